package org.tftflink.model.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;

/** The learner end to end with a real (linear quantile) model on a series with a level shift. */
class OnlineLearnerTest {
  private static final int TRAIN_END = 400;
  private static final int SHIFT = 800;
  private static final int END = 1400;
  private final LinearArOps ops = new LinearArOps();
  private final double[] y = SyntheticStream.levelShift(3, END, SHIFT, 10, 16);
  private final LinearAr frozen = SyntheticStream.trainFrozen(ops, y, TRAIN_END);

  private SyntheticStream stream(Map<String, String> overrides) {
    OnlineConfig c = SyntheticStream.testConfig(overrides);
    return new SyntheticStream(
        new OnlineLearner<>(c, ops, frozen, TRAIN_END * SyntheticStream.STEP_MS), ops);
  }

  @Test
  void shouldAdaptToALevelShiftBetterThanTheFrozenModel() {
    SyntheticStream online = stream(Map.of());
    double[] onlineErr = online.run(y, TRAIN_END, END, v -> v);
    SyntheticStream never = stream(Map.of("enabled", "false"));
    double[] frozenErr = never.run(y, TRAIN_END, END, v -> v);
    int after = SHIFT - TRAIN_END + 48;
    double onlineMae = SyntheticStream.mean(onlineErr, after, onlineErr.length);
    double frozenMae = SyntheticStream.mean(frozenErr, after, frozenErr.length);
    System.out.printf(
        "after the shift: online MAE %.4f, frozen MAE %.4f, counters %s%n",
        onlineMae, frozenMae, online.learner.counters());
    assertThat(online.learner.counters().promotions()).isPositive();
    assertThat(onlineMae).isLessThan(frozenMae);
  }

  @Test
  void everyDetectorShouldFlagTheShiftInTheServedModelsErrors() {
    // learning off: the errors are the frozen model's, stationary until the noise quadruples
    double[] big = SyntheticStream.series(3, END, SHIFT, 10, 10, 0.5, 2.0);
    for (String kind : List.of("seed", "page_hinkley", "adwin")) {
      SyntheticStream s = stream(Map.of("drift_detector", kind, "enabled", "false"));
      s.run(big, TRAIN_END, END, v -> v);
      List<LearningEvent> drifts = s.ofType(LearningEvent.DRIFT_DETECTED);
      assertThat(drifts).as(kind).isNotEmpty();
      // the first samples whose horizon reaches the shift mature up to HORIZON steps after it
      long first = drifts.get(0).eventTimeMs() / SyntheticStream.STEP_MS;
      // seed and ADWIN within about one drift window (96 samples); Page-Hinkley's product
      // threshold (30 baseline errors) is slow on this modest rise of the mean error (~40%)
      long bound = kind.equals("page_hinkley") ? 300 : 120;
      System.out.println(kind + " flags the noise shift at step " + first + ": " + drifts.get(0));
      assertThat(first).as(kind + " " + drifts.get(0)).isBetween((long) SHIFT, SHIFT + bound);
      assertThat(drifts.get(0).details()).containsKeys("statistic", "threshold", "detector");
    }
  }

  @Test
  void driftShouldTriggerAnImmediateUpdateAtAReducedLearningRate() {
    SyntheticStream s = stream(Map.of("update_frequency_minutes", "1440"));
    s.run(y, TRAIN_END, END, v -> v);
    List<LearningEvent> driftUpdates =
        s.ofType(LearningEvent.UPDATE_STARTED).stream()
            .filter(e -> e.details().get("reason").equals("drift"))
            .toList();
    assertThat(driftUpdates).isNotEmpty();
    double lr = (Double) driftUpdates.get(0).details().get("learning_rate");
    assertThat(lr).isEqualTo(0.02 * OnlineConfig.defaults().driftLearningRateFactor());
    long at = driftUpdates.get(0).eventTimeMs() / SyntheticStream.STEP_MS;
    assertThat(at).isBetween((long) SHIFT, SHIFT + 120L);
  }

  @Test
  void restoredLearnerShouldMakeTheSameDecisionsAsOneThatNeverStopped() {
    for (Map<String, String> o :
        List.of(
            Map.of("shadow_minutes", "120", "shadow_min_samples", "6", "drift_detector", "adwin"),
            Map.of(
                "strategy", "ensemble", "active_learning", "true", "uncertainty_threshold", "0.3"),
            Map.of("strategy", "periodic", "drift_detector", "page_hinkley"))) {
      SyntheticStream straight = stream(o);
      straight.run(y, TRAIN_END, END, v -> v);
      SyntheticStream stopped = stream(o);
      int mid = SHIFT + 10;
      stopped.run(y, TRAIN_END, mid, v -> v);
      byte[] snapshot = stopped.learner.snapshot();
      stopped.learner = OnlineLearner.restore(SyntheticStream.testConfig(o), ops, snapshot);
      assertThat(stopped.learner.snapshot()).as("byte round trip " + o).isEqualTo(snapshot);
      stopped.run(y, mid, END, v -> v);
      assertThat(json(stopped.events)).as(o.toString()).isEqualTo(json(straight.events));
      assertThat(stopped.learner.snapshot()).isEqualTo(straight.learner.snapshot());
      assertThat(straight.learner.counters().promotions()).as(o.toString()).isPositive();
    }
  }

  @Test
  void activeLearningShouldSkipConfidentCorrectSamplesAndCountThem() {
    SyntheticStream s = stream(Map.of("active_learning", "true", "uncertainty_threshold", "0.3"));
    s.run(y, TRAIN_END, END, v -> v);
    LearnerCounters c = s.learner.counters();
    assertThat(c.activeSkipped()).isPositive().isLessThan(c.activeSeen());
    assertThat(c.skippedShare()).isEqualTo((double) c.activeSkipped() / c.activeSeen());
  }

  @Test
  void bufferBytesShouldStayWithinTheBoundOfTheConfiguredSampleCounts() {
    SyntheticStream s = stream(Map.of());
    s.run(y, TRAIN_END, END, v -> v);
    OnlineConfig c = SyntheticStream.testConfig(Map.of());
    long perSample =
        org.tftflink.model.online.sample.SampleCodec.bytes(
            SyntheticStream.LAGS, SyntheticStream.HORIZON, 1, 0, 3, 0, 0);
    long bound =
        (c.windowMaxSamples() + c.replayBufferSize() + c.holdoutMaxSamples()) * (perSample + 48);
    int[] sizes = s.learner.bufferSizes();
    assertThat(sizes[0]).isLessThanOrEqualTo(c.windowMaxSamples());
    assertThat(sizes[1]).isLessThanOrEqualTo(c.replayBufferSize());
    assertThat(sizes[2]).isLessThanOrEqualTo(c.holdoutMaxSamples());
    assertThat(s.learner.bufferBytes()).isPositive().isLessThanOrEqualTo(bound);
  }

  private static List<String> json(List<LearningEvent> events) {
    return events.stream().map(LearningEvent::toJson).toList();
  }
}
