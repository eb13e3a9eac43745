package org.tftflink.model.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.federated.ShardLearner;
import org.tftflink.model.online.federated.ShardMessage;
import org.tftflink.model.online.federated.ShardUpdate;
import org.tftflink.model.online.sample.Holdout;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.tft.TrainingSample;

/**
 * Federated shards with the linear test model: a shard trains each round on its own new training
 * samples only (never the hold-out), and the aggregator's learner gates a candidate trained
 * elsewhere like any update.
 */
class FederatedLearningTest extends FederatedFixture {
  @Test
  void shouldTrainEachRoundOnItsNewTrainingSamplesOnlyNeverTheHoldout() {
    ShardLearner shard = new ShardLearner(config, LinearArOps.QUANTILES, 1);
    Holdout holdout =
        new Holdout(
            config.holdoutShare(),
            config.holdoutBlockMinutes(),
            config.holdoutMaxSamples(),
            config.slidingWindowHours());
    int kept = 0;
    int held = 0;
    for (int o = TRAIN_END; o < TRAIN_END + 48; o++) {
      MaturedSample s = sample("web-1", o);
      boolean k = shard.observe(s);
      assertThat(k).isEqualTo(!holdout.isHoldout(s));
      kept += k ? 1 : 0;
      held += k ? 0 : 1;
    }
    assertThat(held).as("hold-out samples left to the aggregator").isPositive();

    ShardLearner.Round round = shard.nextRound(ROUND).orElseThrow();
    assertThat(round.plan().fresh()).isEqualTo(kept);
    assertThat(round.trigger()).isEqualTo(ShardLearner.SCHEDULE);
    shard.roundSent(round, null);
    assertThat(shard.nextRound(2 * ROUND)).as("nothing new since the last round").isEmpty();

    // a restored shard goes on with the same samples, schedule and generator
    for (int o = TRAIN_END + 48; o < TRAIN_END + 60; o++) {
      shard.observe(sample("web-1", o)); // some of them outside the hold-out blocks
    }
    ShardLearner restored =
        ShardLearner.restore(config, LinearArOps.QUANTILES, 1, shard.snapshot());
    ShardLearner.Round next = shard.nextRound(2 * ROUND).orElseThrow();
    ShardLearner.Round again = restored.nextRound(2 * ROUND).orElseThrow();
    assertThat(again.plan().fresh()).isEqualTo(next.plan().fresh());
    assertThat(again.plan().train()).hasSameSizeAs(next.plan().train());
    assertThat(again.settings()).isEqualTo(next.settings());
    assertThat(restored.snapshot()).isEqualTo(shard.snapshot());

    Candidate<LinearAr> c = ShardLearner.train(frozen, round, ops);
    assertThat(c.aborted()).isFalse();
    assertThat(c.samples()).isEqualTo(round.plan().train().size());
    ShardUpdate<LinearAr> u = new ShardUpdate<>(1, 7_200_000L, 1, c);
    ShardUpdate<LinearAr> back = ShardMessage.update(ShardMessage.of(u, ops), ops);
    assertThat(back.shard()).isEqualTo(1);
    assertThat(back.roundMs()).isEqualTo(7_200_000L);
    assertThat(back.weight()).isEqualTo(c.samples());
    assertThat(ops.encode(back.candidate().model())).isEqualTo(ops.encode(c.model()));
    MaturedSample s = sample("web-2", TRAIN_END);
    assertThat(ShardMessage.isSample(ShardMessage.of(s))).isTrue();
    assertThat(ShardMessage.sample(ShardMessage.of(s)).host()).isEqualTo("web-2");
  }

  @Test
  void shouldGateACandidateTrainedElsewhereLikeAnyUpdate() {
    OnlineLearner<LinearAr> learner =
        new OnlineLearner<>(config, ops, frozen, TRAIN_END * SyntheticStream.STEP_MS);
    List<MaturedSample> shiftedTrain = new ArrayList<>();
    for (int o = 400; o < 520; o++) {
      MaturedSample s = sample("web-1", o);
      learner.observe(s);
      shiftedTrain.add(s);
    }
    // trained "on a shard": the shifted level, which the hold-out also holds
    ShardLearner shard = new ShardLearner(config, LinearArOps.QUANTILES, 0);
    shiftedTrain.forEach(shard::observe);
    Candidate<LinearAr> good =
        ShardLearner.train(frozen, shard.nextRound(ROUND).orElseThrow(), ops);

    UpdateRequest<LinearAr> r =
        learner.pollRound(520 * SyntheticStream.STEP_MS, "federated", good.samples()).orElseThrow();
    List<LearningEvent> started = learner.drainEvents();
    assertThat(started)
        .extracting(LearningEvent::type)
        .containsExactly(LearningEvent.UPDATE_STARTED);
    assertThat(started.get(0).details()).containsEntry("samples", good.samples());
    assertThat(r.parentVersion()).isEqualTo(1);
    assertThat(learner.pollRound(520 * SyntheticStream.STEP_MS, "federated", 1))
        .as("one update at a time")
        .isEmpty();

    List<LearningEvent> decided = learner.complete(r.score(good, ops, System.nanoTime()));
    assertThat(decided)
        .extracting(LearningEvent::type)
        .contains(LearningEvent.GATE_PASSED, LearningEvent.PROMOTED);
    assertThat(learner.served().version()).isEqualTo(2);

    // a worse candidate (the frozen model's weights, which the last version beat) is rejected
    UpdateRequest<LinearAr> r2 =
        learner.pollRound(521 * SyntheticStream.STEP_MS, "federated", 10).orElseThrow();
    Candidate<LinearAr> worse = new Candidate<>(frozen, 1.0, 1, 10, null);
    assertThat(learner.complete(r2.score(worse, ops, System.nanoTime())))
        .extracting(LearningEvent::type)
        .contains(LearningEvent.GATE_FAILED, LearningEvent.REJECTED);
    assertThat(learner.served().version()).isEqualTo(2);

    learner.command("pause", 522 * SyntheticStream.STEP_MS);
    Optional<UpdateRequest<LinearAr>> paused =
        learner.pollRound(522 * SyntheticStream.STEP_MS, "federated", 10);
    assertThat(paused).as("a paused learner takes no round").isEmpty();
  }

  /** A sample of {@code host} at {@code origin} whose actuals are all {@code actual}. */
  private MaturedSample poisoned(String host, int origin, double actual) {
    MaturedSample clean = sample(host, origin);
    double[] future = new double[clean.sample().futureTarget().length];
    java.util.Arrays.fill(future, actual);
    return new MaturedSample(
        host,
        clean.originMs(),
        new TrainingSample(clean.sample().window(), future),
        clean.served(),
        1);
  }

  @Test
  void shouldKeepImplausibleSamplesOutOfShardsAndRefuseARoundMadeMostlyOfThem() {
    double poison = 1e4; // the linear model's target scale is about 10: a thousand scales off
    ShardLearner shard = new ShardLearner(config, LinearArOps.QUANTILES, 0);
    int kept = 0;
    int keptWithoutScale = 0;
    ShardLearner blind = new ShardLearner(config, LinearArOps.QUANTILES, 0);
    OnlineLearner<LinearAr> aggregator =
        new OnlineLearner<>(config, ops, frozen, TRAIN_END * SyntheticStream.STEP_MS);
    for (int o = 400; o < 440; o++) {
      aggregator.observe(sample("web-1", o)); // a hold-out to gate with
    }
    for (int o = 440; o < 480; o++) {
      MaturedSample s = poisoned("web-1", o, poison);
      kept += shard.observe(s, ops.targetScale(frozen)) ? 1 : 0;
      keptWithoutScale += blind.observe(s) ? 1 : 0;
      aggregator.observe(s);
    }
    assertThat(kept).as("implausible for the global version: never kept").isZero();
    assertThat(keptWithoutScale).as("without a scale the absurd rule cannot apply").isPositive();
    aggregator.drainEvents();

    // the shards trained on the few clean samples; the round is refused for its share of suspects
    assertThat(aggregator.pollRound(480 * SyntheticStream.STEP_MS, "federated", 2)).isEmpty();
    List<LearningEvent> events = aggregator.drainEvents();
    assertThat(events)
        .extracting(LearningEvent::type)
        .containsSubsequence(
            LearningEvent.UPDATE_STARTED, LearningEvent.GATE_FAILED, LearningEvent.REJECTED);
    assertThat(aggregator.counters().poisonedBatches()).isEqualTo(1);
    assertThat(aggregator.served().version()).isEqualTo(1);
  }
}
