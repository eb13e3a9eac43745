package org.tftflink.model.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.Holdout;
import org.tftflink.model.online.version.ModelVersion;
import org.tftflink.model.online.version.VersionStatus;

/** The learner's safety rules with a real (linear quantile) model: gate, breaker, rollbacks. */
class OnlineLearnerSafetyTest {
  private static final int TRAIN_END = 400;
  private static final int END = 900;

  /** The sample screen off: poison reaches training, for the gates behind the screen. */
  private static final Map<String, String> SCREEN_OFF =
      Map.of("screen_max_deviation", "0", "screen_constant_steps", "0");

  private final LinearArOps ops = new LinearArOps();
  private final double[] y = SyntheticStream.levelShift(5, END, END, 10, 10);
  private final LinearAr frozen = SyntheticStream.trainFrozen(ops, y, TRAIN_END);

  private SyntheticStream warmedUp(Map<String, String> overrides, int until) {
    OnlineConfig c = SyntheticStream.testConfig(overrides);
    SyntheticStream s =
        new SyntheticStream(
            new OnlineLearner<>(c, ops, frozen, TRAIN_END * SyntheticStream.STEP_MS), ops);
    s.run(y, TRAIN_END, until, v -> v);
    return s;
  }

  /** Poisoned samples (absurd constant actuals) at origins the hold-out would not take. */
  private static void poison(SyntheticStream s, double[] y, int from, int count, double value) {
    Holdout holdout = new Holdout(0.2, 60, 48, 168);
    int fed = 0;
    for (int o = from; fed < count; o++) {
      MaturedSample probe =
          new MaturedSample(
              SyntheticStream.HOST,
              o * SyntheticStream.STEP_MS,
              SyntheticStream.sample(y, o),
              new double[0][0],
              0);
      if (!holdout.isHoldout(probe)) {
        s.observePoisoned(y, o, value);
        fed++;
      }
    }
  }

  private static List<LearningEvent> updateNow(SyntheticStream s, long t) {
    s.learner.command("update-now", t);
    Optional<UpdateRequest<LinearAr>> r = s.learner.pollUpdate(t);
    assertThat(r).as("an update-now request at " + t).isPresent();
    return s.learner.complete(r.get().run(s.ops));
  }

  private static List<String> types(List<LearningEvent> events) {
    return events.stream().map(LearningEvent::type).toList();
  }

  @Test
  void shouldRejectACandidateTrainedOnAPoisonedBatchTheScreenLetThrough() {
    SyntheticStream s = warmedUp(SCREEN_OFF, 600);
    long served = s.learner.served().version();
    poison(s, y, 600, 40, 1e4);
    List<LearningEvent> events = updateNow(s, 610 * SyntheticStream.STEP_MS);
    assertThat(types(events)).contains(LearningEvent.GATE_FAILED, LearningEvent.REJECTED);
    assertThat(types(events)).doesNotContain(LearningEvent.PROMOTED);
    assertThat(s.learner.served().version()).isEqualTo(served);
    assertThat(s.learner.versions().get(s.learner.versions().size() - 1).status())
        .isEqualTo(VersionStatus.REJECTED);
  }

  @Test
  void shouldRejectEveryCandidateThatDoesNotBeatTheBaselineFloor() {
    OnlineConfig c = SyntheticStream.testConfig(Map.of());
    SyntheticStream s =
        new SyntheticStream(
            new OnlineLearner<>(c, ops, frozen, TRAIN_END * SyntheticStream.STEP_MS)
                .withBaselineFloor(holdout -> 0.0),
            ops);
    s.run(y, TRAIN_END, 600, v -> v);
    assertThat(s.ofType(LearningEvent.GATE_FAILED))
        .isNotEmpty()
        .allSatisfy(e -> assertThat((String) e.details().get("reason")).contains("baseline floor"));
    assertThat(s.ofType(LearningEvent.PROMOTED)).isEmpty();
    assertThat(s.learner.served().version()).isEqualTo(1);
  }

  @Test
  void shouldAbortAnUpdateWhoseTrainingLossIsNotFinite() {
    SyntheticStream s = warmedUp(SCREEN_OFF, 600);
    long served = s.learner.served().version();
    poison(s, y, 600, 20, Double.POSITIVE_INFINITY);
    List<LearningEvent> events = updateNow(s, 610 * SyntheticStream.STEP_MS);
    LearningEvent rejected =
        events.stream().filter(e -> e.type().equals(LearningEvent.REJECTED)).findFirst().get();
    assertThat((String) rejected.details().get("reason")).startsWith("aborted: non-finite");
    assertThat(s.learner.served().version()).isEqualTo(served);
    assertThat(s.learner.counters().aborted()).isEqualTo(1);
  }

  @Test
  void shouldOpenTheBreakerAfterConsecutiveFailuresAndCloseItAfterTheCoolDown() {
    SyntheticStream s =
        warmedUp(
            Map.of(
                "breaker_max_failures",
                "3",
                "breaker_cooldown_minutes",
                "720",
                "screen_max_deviation",
                "0"),
            600);
    long t = 610 * SyntheticStream.STEP_MS;
    List<String> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      poison(s, y, 600 + 20 * i, 10, 1e4);
      seen.addAll(types(updateNow(s, t)));
    }
    assertThat(seen).containsOnlyOnce(LearningEvent.BREAKER_OPENED);
    assertThat(s.learner.breakerOpen()).isTrue();
    assertThat(s.learner.counters().breakerOpenings()).isEqualTo(1);
    long opened = s.learner.st.breaker.openedAtMs();
    poison(s, y, 600, 5, 1e4); // late samples: they do not move the event-time clock
    s.learner.command("update-now", opened);
    assertThat(s.learner.pollUpdate(opened + 11 * 3_600_000L)).isEmpty(); // within the cool-down
    assertThat(s.learner.pollUpdate(opened + 12 * 3_600_000L)).isPresent();
    assertThat(types(s.learner.drainEvents())).contains(LearningEvent.BREAKER_CLOSED);
  }

  @Test
  void shouldRollBackAutomaticallyWhenAPromotedModelLosesLiveAgainstItsParent() {
    // validation off, so a poisoned candidate is promoted; the live watch must catch it
    SyntheticStream s =
        warmedUp(Map.of("enable_validation", "false", "screen_max_deviation", "0"), 600);
    poison(s, y, 600, 40, 1e4);
    long parent = s.learner.served().version();
    assertThat(types(updateNow(s, 610 * SyntheticStream.STEP_MS))).contains(LearningEvent.PROMOTED);
    long bad = s.learner.served().version();
    long servedBefore = ops.forecastScored;
    s.run(y, 640, 700, v -> v);
    List<LearningEvent> rollbacks = s.ofType(LearningEvent.ROLLED_BACK);
    assertThat(rollbacks).isNotEmpty();
    // the promoted model's side is scored from the forecasts it served, not by running it again
    assertThat(ops.forecastScored - servedBefore).isPositive();
    LearningEvent first = rollbacks.get(0);
    assertThat(first.details())
        .containsEntry("restored_from", parent)
        .containsEntry("replaced", bad);
    assertThat((String) first.details().get("reason")).startsWith("automatic");
    ModelVersion restored =
        s.learner.versions().stream().filter(v -> v.version() == first.version()).findFirst().get();
    assertThat(restored.status()).isEqualTo(VersionStatus.RESTORED);
    assertThat(restored.restoredFrom()).isEqualTo(parent);
    assertThat(restored.version()).isGreaterThan(bad);
  }

  @Test
  void theRollbackWatchShouldCatchAPoisonedModelScoringOnlyItsLimitOfLiveSamples() {
    SyntheticStream s =
        warmedUp(
            Map.of(
                "enable_validation",
                "false",
                "screen_max_deviation",
                "0",
                "live_score_max_samples",
                "12"),
            600);
    poison(s, y, 600, 40, 1e4);
    long parent = s.learner.served().version();
    assertThat(types(updateNow(s, 610 * SyntheticStream.STEP_MS))).contains(LearningEvent.PROMOTED);
    // one sample an hour: the six-hour watch expects 6 samples, under the limit: it takes all
    assertThat(s.learner.st.watch.share()).isEqualTo(1.0);
    s.run(y, 640, 700, v -> v);
    LearningEvent first = s.ofType(LearningEvent.ROLLED_BACK).get(0);
    assertThat(first.details()).containsEntry("restored_from", parent);
    assertThat((String) first.details().get("reason")).contains("on 12 samples");
  }

  @Test
  void rollbackCommandShouldMakeANewVersionCarryingTheEarlierWeights() {
    SyntheticStream s = warmedUp(Map.of(), 700);
    long before = s.learner.served().version();
    long target = s.learner.st.history.withWeights().get(2);
    LinearAr earlier = s.learner.st.history.model(target).get();
    List<LearningEvent> events =
        s.learner.command("rollback " + target, 700 * SyntheticStream.STEP_MS);
    assertThat(types(events))
        .containsExactly(LearningEvent.ROLLED_BACK, LearningEvent.COMMAND_APPLIED);
    long now = s.learner.served().version();
    assertThat(now).isGreaterThan(before);
    ModelVersion v = s.learner.versions().get(s.learner.versions().size() - 1);
    assertThat(v.restoredFrom()).isEqualTo(target);
    assertThat(v.parent()).isEqualTo(before);
    assertThat(ops.encode(s.learner.served().models().get(0))).isEqualTo(ops.encode(earlier));
  }

  @Test
  void malformedOrImpossibleCommandsShouldBeRejectedEventsNotExceptions() {
    SyntheticStream s = warmedUp(Map.of("keep_model_versions", "2"), 700);
    long t = 700 * SyntheticStream.STEP_MS;
    for (String bad : List.of("fly away", "rollback", "rollback x", "pin 0", "rollback 999", "")) {
      List<LearningEvent> events = s.learner.command(bad, t);
      assertThat(types(events)).as(bad).containsExactly(LearningEvent.COMMAND_REJECTED);
      assertThat(events.get(0).details().get("reason")).as(bad).isNotNull();
    }
    // version 2's weights are gone with keep_model_versions = 2 (metadata stays)
    List<LearningEvent> pruned = s.learner.command("rollback 2", t);
    assertThat((String) pruned.get(0).details().get("reason")).contains("no longer kept");
    assertThat(s.learner.versions().stream().map(ModelVersion::version)).contains(2L);
  }

  @Test
  void pinAndPauseShouldStopUpdatesUntilUnpinnedOrResumed() {
    SyntheticStream s = warmedUp(Map.of(), 600);
    long current = s.learner.served().version();
    s.learner.command("pin " + current, 600 * SyntheticStream.STEP_MS);
    s.run(y, 600, 700, v -> v);
    assertThat(s.learner.served().version()).isEqualTo(current);
    s.learner.command("unpin", 700 * SyntheticStream.STEP_MS);
    s.learner.command("pause", 700 * SyntheticStream.STEP_MS);
    s.run(y, 700, 760, v -> v);
    assertThat(s.learner.served().version()).isEqualTo(current);
    s.learner.command("resume", 760 * SyntheticStream.STEP_MS);
    s.run(y, 760, 800, v -> v);
    assertThat(s.learner.served().version()).isGreaterThan(current);
  }

  @Test
  void versionsShouldOnlyGrowAndKeepWeightsForAtMostKeepModelVersions() {
    SyntheticStream s = warmedUp(Map.of("keep_model_versions", "3"), END);
    List<ModelVersion> all = s.learner.versions();
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).version()).isGreaterThan(all.get(i - 1).version());
    }
    assertThat(all.size()).isGreaterThan(5);
    assertThat(s.learner.st.history.withWeights().size()).isLessThanOrEqualTo(3 + 1);
  }

  @Test
  void shadowModeShouldScoreACandidateLiveBeforePromotingIt() {
    SyntheticStream s =
        warmedUp(Map.of("shadow_minutes", "120", "shadow_min_samples", "6"), TRAIN_END + 100);
    List<LearningEvent> shadow = s.ofType(LearningEvent.SHADOW_RESULT);
    assertThat(shadow).isNotEmpty();
    LearningEvent r = shadow.get(0);
    assertThat(r.details()).containsKeys("candidate_loss", "served_loss", "samples", "passed");
    assertThat((Long) r.details().get("samples")).isGreaterThanOrEqualTo(6);
    // a shadow candidate is promoted only after its result
    LearningEvent promoted = s.ofType(LearningEvent.PROMOTED).get(0);
    assertThat(promoted.eventTimeMs()).isGreaterThanOrEqualTo(r.eventTimeMs());
  }

  @Test
  void ensembleShouldServeTheLastVersionsWithWeightsFromTheirHoldoutLosses() {
    SyntheticStream s = warmedUp(Map.of("strategy", "ensemble", "ensemble_size", "3"), 700);
    Served<LinearAr> served = s.learner.served();
    assertThat(served.versions()).hasSize(3);
    assertThat(java.util.Arrays.stream(served.weights()).sum()).isCloseTo(1.0, within(1e-12));
    var window = List.of(SyntheticStream.window(y, 700));
    double[][][] combined = s.learner.forecast(window);
    double expected = 0;
    for (int m = 0; m < 3; m++) {
      expected += served.weights()[m] * ops.predict(served.models().get(m), window)[0][0][1];
    }
    assertThat(combined[0][0][1]).isCloseTo(expected, within(1e-9));
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
