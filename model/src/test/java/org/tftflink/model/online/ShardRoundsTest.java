package org.tftflink.model.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.federated.FederatedRound;
import org.tftflink.model.online.federated.ShardLearner;
import org.tftflink.model.online.federated.ShardMessage;
import org.tftflink.model.online.federated.ShardUpdate;
import org.tftflink.model.online.sample.ReplayBuffer;
import org.tftflink.model.online.sample.SlidingWindow;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.tft.envelope.OptimizerState;

/**
 * A federated shard's rounds: one in flight at a time and owed until sent (what a snapshot taken
 * meanwhile keeps, so a restore redoes it), rounds that update-now or a drift start early, the
 * shard's own Adam moments across rounds, and the format-1 snapshot of builds before these.
 */
class ShardRoundsTest extends FederatedFixture {
  private ShardLearner fed(OnlineConfig c, int from, int to) {
    ShardLearner shard = new ShardLearner(c, LinearArOps.QUANTILES, 0);
    for (int o = from; o < to; o++) {
      shard.observe(sample("web-1", o));
    }
    return shard;
  }

  @Test
  void shouldSnapshotARoundInFlightAsOwedSoThatARestoreRedoesItFromTheSameSamples() {
    ShardLearner shard = fed(config, TRAIN_END, TRAIN_END + 48);
    byte[] before = shard.snapshot();
    ShardLearner.Round round = shard.nextRound(ROUND).orElseThrow();
    assertThat(shard.roundInFlight()).isTrue();
    assertThatThrownBy(() -> shard.nextRound(2 * ROUND))
        .as("one round in flight at a time")
        .isInstanceOf(IllegalStateException.class);

    ShardLearner restored =
        ShardLearner.restore(config, LinearArOps.QUANTILES, 0, shard.snapshot());
    assertThat(restored.owedRounds()).containsExactly(ROUND);
    assertThat(restored.roundInFlight()).as("the training itself is not in the snapshot").isFalse();
    ShardLearner.Round redone = restored.nextRound(ROUND).orElseThrow();
    assertThat(redone.plan().fresh()).isEqualTo(round.plan().fresh());
    assertThat(redone.plan().train()).hasSameSizeAs(round.plan().train());
    assertThat(redone.settings().learningRate()).isEqualTo(round.settings().learningRate());
    assertThat(ShardLearner.restore(config, LinearArOps.QUANTILES, 0, before).owedRounds())
        .isEmpty();

    shard.roundSent(round, null);
    assertThat(shard.owedRounds()).as("sent: the shard moved on").isEmpty();
    ShardLearner after = ShardLearner.restore(config, LinearArOps.QUANTILES, 0, shard.snapshot());
    assertThat(after.owedRounds()).isEmpty();
    assertThat(after.nextRound(2 * ROUND)).as("its samples trained").isEmpty();
  }

  @Test
  void shouldOweRoundsThatEndWhileOneTrainsAndCoverThemWithOneRound() {
    ShardLearner shard = fed(config, TRAIN_END, TRAIN_END + 24);
    ShardLearner.Round first = shard.nextRound(ROUND).orElseThrow();
    for (int o = TRAIN_END + 24; o < TRAIN_END + 48; o++) {
      shard.observe(sample("web-1", o));
    }
    shard.owe(2 * ROUND);
    shard.owe(3 * ROUND);
    assertThat(shard.nextOwed()).as("not while one trains").isEmpty();
    assertThat(
            ShardLearner.restore(config, LinearArOps.QUANTILES, 0, shard.snapshot()).owedRounds())
        .containsExactly(ROUND, 2 * ROUND, 3 * ROUND);
    shard.roundSent(first, null);
    assertThat(shard.nextOwed()).hasValue(3 * ROUND);
    ShardLearner.Round next = shard.nextRound(3 * ROUND).orElseThrow();
    assertThat(next.plan().fresh()).isPositive();
    shard.roundSent(next, null);
    assertThat(shard.owedRounds()).isEmpty();
  }

  @Test
  void shouldStartARoundOnUpdateNowOnceASampleIsNewAndSayWhatStartedIt() {
    ShardLearner shard = fed(config, TRAIN_END, TRAIN_END + 48);
    shard.roundSent(shard.nextRound(ROUND).orElseThrow(), null);
    shard.requestRound();
    assertThat(shard.triggeredRoundDue()).as("nothing new yet").isFalse();
    int o = TRAIN_END + 48;
    while (!shard.triggeredRoundDue()) {
      shard.observe(sample("web-1", o++)); // hold-out samples do not count
    }
    ShardLearner.Round r = shard.nextRound(o * SyntheticStream.STEP_MS).orElseThrow();
    assertThat(r.trigger()).isEqualTo(ShardLearner.COMMAND);
    assertThat(r.plan().fresh()).isEqualTo(1);
    shard.roundSent(r, null);
    assertThat(shard.triggeredRoundDue()).isFalse();
  }

  @Test
  void shouldStartARoundWhenItsOwnDetectorFindsADriftAndKeepTheTriggerInTheSnapshot() {
    ShardLearner shard = fed(config, TRAIN_END, TRAIN_END + 48);
    shard.roundSent(shard.nextRound(ROUND).orElseThrow(), null);
    ShardLearner.Drift drift = null;
    int o = TRAIN_END + 48;
    for (; o < 650 && drift == null; o++) {
      shard.observe(sample("web-1", o));
      drift = shard.takeDrift();
    }
    assertThat(drift).as("the level shift at 400 is found").isNotNull();
    assertThat(o).isGreaterThan(400);
    assertThat(drift.host()).isEqualTo("web-1");
    assertThat(shard.takeDrift()).as("reported once").isNull();
    ShardLearner restored =
        ShardLearner.restore(config, LinearArOps.QUANTILES, 0, shard.snapshot());
    while (!restored.triggeredRoundDue()) {
      restored.observe(sample("web-1", o++));
    }
    ShardLearner.Round r = restored.nextRound(o * SyntheticStream.STEP_MS).orElseThrow();
    assertThat(r.trigger()).isEqualTo(ShardLearner.DRIFT);
    assertThat(r.plan().fresh()).isGreaterThanOrEqualTo(config.onlineBatchSize());
    ShardLearner.Round scheduled = fed(config, TRAIN_END, TRAIN_END + 48).nextRound(ROUND).get();
    assertThat(r.settings().learningRate())
        .as("the drift factor, as for the single trainer")
        .isEqualTo(scheduled.settings().learningRate() * config.driftLearningRateFactor());
  }

  @Test
  void shouldKeepItsOwnAdamMomentsAcrossRoundsAndSnapshots() {
    ShardLearner shard = fed(config, TRAIN_END, TRAIN_END + 48);
    assertThat(shard.optimizer()).as("fresh moments on the first round").isNull();
    OptimizerState moments = new OptimizerState(12, 0.02, Map.of("w", new double[] {0.1, 0.01}));
    ShardLearner.Round r = shard.nextRound(ROUND).orElseThrow();
    shard.roundSent(r, moments);
    assertThat(shard.optimizer()).isEqualTo(moments);
    ShardLearner restored =
        ShardLearner.restore(config, LinearArOps.QUANTILES, 0, shard.snapshot());
    assertThat(restored.optimizer()).isEqualTo(moments);
    for (int o = TRAIN_END + 48; o < TRAIN_END + 96; o++) {
      restored.observe(sample("web-1", o));
    }
    ShardLearner.Round aborted = restored.nextRound(2 * ROUND).orElseThrow();
    restored.roundSent(aborted, null);
    assertThat(restored.optimizer())
        .as("an aborted round keeps the last moments")
        .isEqualTo(moments);
  }

  @Test
  void shouldReadAFormatOneSnapshotAsNothingOwedNoTriggerAndFreshMoments() throws Exception {
    ShardLearner shard = fed(config, TRAIN_END, TRAIN_END + 48);
    byte[] v2 = shard.snapshot();
    byte[] v1 = formatOne(v2);
    ShardLearner old = ShardLearner.restore(config, LinearArOps.QUANTILES, 0, v1);
    assertThat(old.owedRounds()).isEmpty();
    assertThat(old.optimizer()).isNull();
    assertThat(old.triggeredRoundDue()).isFalse();
    assertThat(old.bufferSizes()).isEqualTo(shard.bufferSizes());
    ShardLearner.Round a = old.nextRound(ROUND).orElseThrow();
    ShardLearner.Round b = shard.nextRound(ROUND).orElseThrow();
    assertThat(a.plan().fresh()).isEqualTo(b.plan().fresh());
    assertThat(a.settings()).isEqualTo(b.settings());
  }

  /** The format-1 layout: the format-2 snapshot up to the replay buffer, format number 1. */
  private byte[] formatOne(byte[] v2) throws Exception {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(v2));
    in.skipBytes(4 + 4 + 7 * 8);
    new SlidingWindow(config.slidingWindowHours(), config.windowMaxSamples()).read(in);
    new ReplayBuffer(config.replayBufferSize()).read(in);
    byte[] v1 = Arrays.copyOf(v2, v2.length - in.available());
    ByteBuffer.wrap(v1).putInt(4, 1);
    return v1;
  }

  @Test
  void shouldCarryTheTriggerToTheAggregatorAndReadUpdatesWrittenBeforeTriggers() {
    Candidate<LinearAr> c = new Candidate<>(frozen, 0.2, 3, 40, null);
    ShardUpdate<LinearAr> drifted = new ShardUpdate<>(1, ROUND, 1, c, ShardLearner.DRIFT);
    byte[] message = ShardMessage.of(drifted, ops);
    assertThat(ShardMessage.update(message, ops).trigger()).isEqualTo(ShardLearner.DRIFT);
    ShardUpdate<LinearAr> scheduled = new ShardUpdate<>(1, ROUND, 1, c);
    byte[] withTrigger = ShardMessage.of(scheduled, ops);
    int tail = 2 + ShardLearner.SCHEDULE.length(); // the trigger's UTF
    byte[] old = Arrays.copyOf(withTrigger, withTrigger.length - tail);
    assertThat(ShardMessage.update(old, ops).trigger()).isEqualTo(ShardLearner.SCHEDULE);

    ShardLearner.Drift d = new ShardLearner.Drift("seed", 3.5, 3.0, "web-7", 42L);
    byte[] dm = ShardMessage.of(2, d);
    assertThat(ShardMessage.isDrift(dm)).isTrue();
    assertThat(ShardMessage.isSample(dm)).isFalse();
    assertThat(ShardMessage.drift(dm)).isEqualTo(new ShardMessage.ShardDrift(2, d));
  }

  @Test
  void shouldSayInTheRoundWhatStartedItCommandBeforeDrift() {
    // aborted updates: the trigger is read whatever their model
    Candidate<org.tftflink.model.online.tft.TftWeights> nan =
        new Candidate<>(null, Double.NaN, 0, 5, "nan");
    FederatedRound r =
        FederatedRound.of(
            3,
            ROUND,
            1,
            List.of(
                new ShardUpdate<>(0, ROUND, 1, nan, ShardLearner.DRIFT),
                new ShardUpdate<>(1, ROUND, 1, nan, ShardLearner.COMMAND),
                new ShardUpdate<>(2, ROUND, 1, nan)));
    assertThat(r.trigger()).isEqualTo(ShardLearner.COMMAND);
    assertThat(r.triggered()).containsExactly(0, 1);
    assertThat(r.toEvent(0).details())
        .containsEntry("trigger", "command")
        .containsEntry("triggered_shards", List.of(0, 1));
    FederatedRound drift =
        FederatedRound.of(
            2, ROUND, 1, List.of(new ShardUpdate<>(1, ROUND, 1, nan, ShardLearner.DRIFT)));
    assertThat(drift.trigger()).isEqualTo(ShardLearner.DRIFT);
    assertThat(FederatedRound.of(2, ROUND, 1, List.of()).trigger())
        .isEqualTo(ShardLearner.SCHEDULE);
  }
}
