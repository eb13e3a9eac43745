package org.tftflink.model.online.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.ReplayBuffer;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.sample.Sequenced;
import org.tftflink.model.online.sample.SlidingWindow;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

class StrategyTest {
  private static MaturedSample sample(String host, long t) {
    TftWindow w =
        new TftWindow(new double[][] {{1}}, new double[2][0], new String[0], new double[0]);
    return new MaturedSample(
        host, t, new TrainingSample(w, new double[] {1}), new double[][] {{0, 1, 2}}, 1);
  }

  @Test
  void ensembleWeightsShouldFavourLowerLossesAndSumToOne() {
    double[] w = EnsembleWeights.softmax(new double[] {1.0, 1.1, Double.NaN}, 0.1);
    assertThat(w[0] + w[1] + w[2]).isCloseTo(1.0, offset(1e-12));
    assertThat(w[1] / w[0]).isCloseTo(Math.exp(-1), offset(1e-9));
    assertThat(w[2]).isZero();
    // scale-free: multiplying every loss by 1000 changes nothing
    assertThat(EnsembleWeights.softmax(new double[] {1000, 1100}, 0.1)[0])
        .isCloseTo(EnsembleWeights.softmax(new double[] {1, 1.1}, 0.1)[0], offset(1e-12));
  }

  @Test
  void warmRestartsShouldFollowACosineAndResetTheOptimizerEachCycle() {
    OnlineConfig c =
        OnlineConfig.defaults()
            .with("warm_restart_period", "4")
            .with("warm_restart_min_factor", "0.1")
            .with("online_learning_rate", "0.001");
    UpdateSettings first = LearningRateSchedule.settings(c, 0, false, 1);
    UpdateSettings mid = LearningRateSchedule.settings(c, 2, false, 1);
    UpdateSettings restart = LearningRateSchedule.settings(c, 4, false, 1);
    assertThat(first.learningRate()).isCloseTo(0.001, offset(1e-12));
    assertThat(mid.learningRate()).isCloseTo(0.001 * 0.55, offset(1e-12));
    assertThat(restart.learningRate()).isCloseTo(0.001, offset(1e-12));
    assertThat(first.resetOptimizer()).isFalse();
    assertThat(restart.resetOptimizer()).isTrue();
    assertThat(mid.resetOptimizer()).isFalse();
  }

  @Test
  void driftShouldLowerTheLearningRateByItsFactor() {
    OnlineConfig c = OnlineConfig.defaults().with("drift_learning_rate_factor", "0.5");
    assertThat(LearningRateSchedule.settings(c, 3, true, 1).learningRate())
        .isEqualTo(c.onlineLearningRate() * 0.5);
    assertThat(LearningRateSchedule.settings(c, 3, false, 1).clipNorm())
        .isEqualTo(c.gradientClipNorm());
  }

  @Test
  void updateCostShouldBeBoundedAndSpreadEvenlyOverManyHosts() {
    OnlineConfig c =
        OnlineConfig.defaults()
            .with("strategy", "sliding_window")
            .with("max_update_samples", "500")
            .with("window_max_samples", "100000");
    SlidingWindow w = new SlidingWindow(24, 100_000);
    Rng rng = new Rng(1);
    long seq = 0;
    for (int round = 0; round < 10; round++) {
      for (int h = 0; h < 1000; h++) {
        w.add(++seq, sample("host-" + h, round * 300_000L), rng);
      }
    }
    UpdatePlan plan = UpdatePlanner.plan(c, w, 0, new ReplayBuffer(0), rng);
    assertThat(plan.train()).hasSize(500);
    Map<Integer, Integer> perHost = new HashMap<>();
    List<Sequenced> entries = w.entries();
    Map<TrainingSample, String> hostOf = new HashMap<>();
    entries.forEach(e -> hostOf.put(e.sample().sample(), e.sample().host()));
    plan.train().forEach(t -> perHost.merge(hostOf.get(t).hashCode(), 1, Integer::sum));
    assertThat(perHost.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
  }

  @Test
  void replayShouldMixTheConfiguredShareOfReplayedSamples() {
    OnlineConfig c =
        OnlineConfig.defaults().with("strategy", "replay").with("replay_sample_ratio", "0.25");
    SlidingWindow w = new SlidingWindow(24, 1000);
    ReplayBuffer r = new ReplayBuffer(500);
    Rng rng = new Rng(2);
    for (int i = 1; i <= 300; i++) {
      r.offer(i, sample("old", i), 1, rng);
    }
    for (int i = 301; i <= 390; i++) {
      w.add(i, sample("new", i), rng);
    }
    UpdatePlan plan = UpdatePlanner.plan(c, w, 300, r, rng);
    assertThat(plan.fresh()).isEqualTo(90);
    assertThat(plan.replayed()).isEqualTo(30);
    assertThat(plan.train()).hasSize(120);
    assertThat(plan.anchors()).hasSize(2 * c.onlineBatchSize()); // distillation is on by default
  }

  @Test
  void periodicShouldRetrainOnTheWholeWindowWithFreshMoments() {
    OnlineConfig c = OnlineConfig.defaults().with("strategy", "periodic");
    SlidingWindow w = new SlidingWindow(24, 1000);
    Rng rng = new Rng(2);
    for (int i = 1; i <= 200; i++) {
      w.add(i, sample("a", i), rng);
    }
    assertThat(UpdatePlanner.plan(c, w, 150, new ReplayBuffer(0), rng).train()).hasSize(200);
    assertThat(LearningRateSchedule.settings(c, 5, false, 1).resetOptimizer()).isTrue();
  }
}
