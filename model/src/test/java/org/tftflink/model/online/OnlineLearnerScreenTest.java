package org.tftflink.model.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.version.VersionStatus;
import org.tftflink.model.tft.TrainingSample;

/**
 * The sample screen in the learner: a poisoned stretch fails the gate as a poisoned batch without
 * being trained on and never reaches the replay buffer or the hold-out, while clean updates after
 * it and updates after a genuine level shift are promoted.
 */
class OnlineLearnerScreenTest {
  private static final int TRAIN_END = 400;
  private static final int END = 900;
  private static final double POISON = 1e4; // the linear model's scale is 10: 1000 scales off

  private final LinearArOps ops = new LinearArOps();

  private SyntheticStream stream(double[] y, Map<String, String> overrides, int until) {
    LinearAr frozen = SyntheticStream.trainFrozen(ops, y, TRAIN_END);
    OnlineConfig c = SyntheticStream.testConfig(overrides);
    SyntheticStream s =
        new SyntheticStream(
            new OnlineLearner<>(c, ops, frozen, TRAIN_END * SyntheticStream.STEP_MS), ops);
    s.run(y, TRAIN_END, until, v -> v);
    return s;
  }

  private static boolean poisoned(TrainingSample s) {
    return Arrays.stream(s.futureTarget()).anyMatch(v -> v == POISON);
  }

  private static List<String> types(List<LearningEvent> events) {
    return events.stream().map(LearningEvent::type).toList();
  }

  @Test
  void shouldFailThePoisonedBatchAtTheGateWithoutTrainingAndPromoteCleanUpdatesAfterIt() {
    double[] y = SyntheticStream.levelShift(5, END, END, 10, 10);
    SyntheticStream s = stream(y, Map.of(), 600);
    long served = s.learner.served().version();
    long trainedBefore = ops.trainCalls;
    for (int o = 600; o < 640; o++) { // every origin, hold-out blocks included
      s.observePoisoned(y, o, POISON);
    }
    s.learner.command("update-now", 640 * SyntheticStream.STEP_MS);
    assertThat(s.learner.pollUpdate(640 * SyntheticStream.STEP_MS)).isEmpty();
    List<LearningEvent> events = s.learner.drainEvents();

    assertThat(types(events))
        .containsSubsequence(
            LearningEvent.UPDATE_STARTED, LearningEvent.GATE_FAILED, LearningEvent.REJECTED)
        .doesNotContain(LearningEvent.UPDATE_FINISHED, LearningEvent.PROMOTED);
    LearningEvent gate = events.get(types(events).indexOf(LearningEvent.GATE_FAILED));
    assertThat(gate.details())
        .containsEntry("reason", SampleScreen.POISONED_BATCH)
        .containsEntry("max_suspect_share", 0.1)
        .containsKeys("suspect", "samples", "suspect_share");
    assertThat((Double) gate.details().get("suspect_share")).isGreaterThan(0.1);
    assertThat(ops.trainCalls).as("the poisoned batch is not trained").isEqualTo(trainedBefore);
    assertThat(s.learner.served().version()).isEqualTo(served);
    assertThat(s.learner.versions().get(s.learner.versions().size() - 1).status())
        .isEqualTo(VersionStatus.REJECTED);
    assertThat(s.learner.counters().suspect()).isEqualTo(40);
    assertThat(s.learner.counters().poisonedBatches()).isEqualTo(1);
    assertThat(s.learner.st.replay.samples()).noneMatch(m -> poisoned(m.sample()));
    assertThat(s.learner.st.holdout.trainingSamples()).noneMatch(OnlineLearnerScreenTest::poisoned);
    assertThat(s.learner.st.window.entries()).noneMatch(e -> poisoned(e.sample().sample()));

    // clean data again: the next updates train and are promoted
    s.events.clear();
    s.run(y, 640, 760, v -> v);
    assertThat(s.ofType(LearningEvent.PROMOTED)).isNotEmpty();
    assertThat(s.learner.counters().poisonedBatches()).isEqualTo(1);
  }

  @Test
  void shouldLeaveOutAFewSuspectSamplesAndStillTrainOnTheRest() {
    double[] y = SyntheticStream.levelShift(5, END, END, 10, 10);
    // no scheduled or drift update between 600 and the command: 40 clean samples, then one bad
    SyntheticStream s =
        stream(
            y, Map.of("update_frequency_minutes", "6000", "drift_detection_enabled", "false"), 600);
    s.run(y, 600, 640, v -> v);
    s.observePoisoned(y, 641, POISON);
    s.learner.command("update-now", 641 * SyntheticStream.STEP_MS);
    var request = s.learner.pollUpdate(641 * SyntheticStream.STEP_MS);
    List<LearningEvent> started = s.learner.drainEvents();
    assertThat(request).as(started.toString()).isPresent();
    assertThat(request.get().train()).noneMatch(OnlineLearnerScreenTest::poisoned);
    assertThat(started.get(0).details()).containsEntry("suspect", 1L);
  }

  @Test
  void shouldPromoteUpdatesAfterAGenuineLevelShiftAndFlagNothing() {
    // the level goes from 10 to 60 at step 600: six times the level, fifty model scales
    double[] y = SyntheticStream.levelShift(7, END, 600, 10, 60);
    SyntheticStream s = stream(y, Map.of(), END);
    long promotedAfterShift =
        s.ofType(LearningEvent.PROMOTED).stream()
            .filter(e -> e.eventTimeMs() > 600 * SyntheticStream.STEP_MS)
            .count();
    assertThat(promotedAfterShift).isPositive();
    assertThat(s.learner.counters().suspect()).isZero();
    assertThat(s.learner.counters().poisonedBatches()).isZero();
  }

  @Test
  void shouldOpenTheBreakerOnAFeedThatStaysPoisoned() {
    double[] y = SyntheticStream.levelShift(5, END, END, 10, 10);
    SyntheticStream s = stream(y, Map.of("breaker_max_failures", "3"), 600);
    for (int round = 0; round < 3; round++) {
      long t = (610 + 20 * round) * SyntheticStream.STEP_MS;
      for (int o = 600 + 20 * round; o < 620 + 20 * round; o++) {
        s.observePoisoned(y, o, POISON);
      }
      s.learner.command("update-now", t);
      s.step(t);
    }
    assertThat(s.ofType(LearningEvent.BREAKER_OPENED)).hasSize(1);
    assertThat(s.learner.counters().poisonedBatches()).isEqualTo(3);
  }

  @Test
  void shouldKeepTheScreensCountsThroughASnapshotAndReadFormatOneAndTwoSnapshots() {
    double[] y = SyntheticStream.levelShift(5, END, END, 10, 10);
    SyntheticStream s = stream(y, Map.of(), 600);
    for (int o = 600; o < 610; o++) {
      s.observePoisoned(y, o, POISON);
    }
    OnlineConfig c = SyntheticStream.testConfig(Map.of());
    byte[] snapshot = s.learner.snapshot();
    OnlineLearner<LinearAr> restored = OnlineLearner.restore(c, ops, snapshot);
    assertThat(restored.counters()).isEqualTo(s.learner.counters());
    assertThat(restored.st.suspectFresh).isEqualTo(s.learner.st.suspectFresh).isPositive();

    // with no live comparison running, format 2 is format 3 without the sample rate (two longs
    // and a double) and the drift step pooling (a long, a double, three ints) at its end, and
    // format 1 is format 2 without its last four longs (a comparison's own old layout is read in
    // LiveComparisonLimitTest)
    assertThat(s.learner.st.shadow).isNull();
    s.learner.st.watch = null;
    snapshot = s.learner.snapshot();
    byte[] v2 =
        Arrays.copyOf(
            snapshot, snapshot.length - 3 * Long.BYTES - 2 * Long.BYTES - 3 * Integer.BYTES);
    ByteBuffer.wrap(v2).putInt(Integer.BYTES, 2);
    OnlineLearner<LinearAr> two = OnlineLearner.restore(c, ops, v2);
    assertThat(two.counters()).isEqualTo(s.learner.counters());
    assertThat(two.st.rate.perHour()).isNaN();
    assertThat(restored.st.rate.perHour()).isEqualTo(s.learner.st.rate.perHour()).isPositive();
    byte[] v1 = Arrays.copyOf(v2, v2.length - 4 * Long.BYTES);
    ByteBuffer.wrap(v1).putInt(Integer.BYTES, 1);
    OnlineLearner<LinearAr> old = OnlineLearner.restore(c, ops, v1);
    assertThat(old.counters().suspect()).isZero();
    assertThat(old.counters().promotions()).isEqualTo(s.learner.counters().promotions());
    assertThat(old.versions()).isEqualTo(s.learner.versions());
  }
}
