package org.tftflink.model.online.tft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.OnlineLearner;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/** The learning core drives the TFT end to end: updates, gate decisions, snapshot and restore. */
class TftOnlineLearnerTest {
  @Test
  void shouldUpdateTheTftAndRestoreItFromASnapshot() {
    TftModelOps ops = TftModelOps.fromEnvelope(NabFixture.envelope());
    TftWeights initial = ops.initial();
    OnlineConfig config =
        OnlineConfig.load(
            null,
            null,
            Map.of(
                "update_frequency_minutes", "60",
                "min_samples_for_update", "40",
                "max_update_samples", "96",
                "online_learning_rate", "0.001",
                "shadow_minutes", "0",
                "holdout_max_samples", "40"));
    int first = 1900;
    // the host as static categorical, as serving feeds it (SeriesWindows leaves it null)
    List<TrainingSample> samples =
        NabFixture.samples(initial.config(), 0.5, 2000, first, first + 239).stream()
            .map(
                s ->
                    new TrainingSample(
                        new TftWindow(
                            s.window().observed(),
                            s.window().known(),
                            new String[] {"ec2-24ae8d"},
                            s.window().staticReals()),
                        s.futureTarget()))
            .toList();
    OnlineLearner<TftWeights> learner =
        new OnlineLearner<>(config, ops, initial, 1, NabFixture.timestampMs(first));
    List<LearningEvent> events = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      TrainingSample s = samples.get(i);
      long origin = NabFixture.timestampMs(first + i);
      double[][] served = learner.forecast(List.of(s.window()))[0];
      events.addAll(
          learner.observe(
              new MaturedSample("ec2-24ae8d", origin, s, served, learner.served().version())));
      learner.pollUpdate(origin).ifPresent(r -> events.addAll(learner.complete(r.run(ops))));
      events.addAll(learner.drainEvents());
    }

    List<String> types = events.stream().map(LearningEvent::type).toList();
    assertThat(types).contains("update_finished");
    assertThat(types).containsAnyOf("promoted", "rejected", "gate_failed");
    assertThat(events)
        .filteredOn(e -> e.type().equals("update_finished"))
        .allSatisfy(e -> assertThat(e.toJson()).doesNotContain("non-finite"));
    assertThat(learner.versions().size()).isGreaterThan(1);

    OnlineLearner<TftWeights> restored = OnlineLearner.restore(config, ops, learner.snapshot());
    List<TftWindow> windows = samples.subList(0, 4).stream().map(TrainingSample::window).toList();
    assertThat(restored.served().version()).isEqualTo(learner.served().version());
    assertThat(restored.forecast(windows)).isDeepEqualTo(learner.forecast(windows));
  }
}
