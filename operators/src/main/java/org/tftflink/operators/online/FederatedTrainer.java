package org.tftflink.operators.online;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.UpdateRequest;
import org.tftflink.model.online.federated.FederatedRound;
import org.tftflink.model.online.federated.ShardLearner;
import org.tftflink.model.online.federated.ShardMessage;
import org.tftflink.model.online.federated.ShardUpdate;
import org.tftflink.model.online.tft.TftWeights;

/**
 * The aggregator of federated shards ({@code trainer.shards > 1}), with the online trainer's uid
 * and state: one {@link org.tftflink.model.online.OnlineLearner} under the key {@link
 * TrainerShards#COMMANDS}, fed every matured sample (the shards forward them: hold-out, drift and
 * the live watches work as with one trainer) and the shards' round updates from {@link
 * ShardTrainer}. It never trains: when event time passes a round's end, which the shards have
 * reached before (they send their updates before the watermark that closes the round), it averages
 * the updates that arrived by then ({@link FederatedRound}) and has the learner gate and promote or
 * reject the average like any update; versions, commands, canaries and the timeline rule are the
 * online trainer's ({@link TrainerOperator}). A round that {@code update-now} or a shard's drift
 * started early is closed the same way; its {@code federated_round} line says what started it, and
 * a shard's drift is audited here as a {@code drift_detected} line with its {@code shard}.
 */
public class FederatedTrainer extends TrainerOperator
    implements TwoInputStreamOperator<byte[], String, byte[]>, BoundedMultiInput {

  private static final long serialVersionUID = 1L;

  /** Keyed by the aggregator's key: shard updates of rounds not closed yet. */
  public static final String PENDING_STATE = "shard-updates";

  private static final int COMMAND_INPUT = 1; // 0-based, as processWatermarkStatus counts

  private final int shards;
  private transient ListState<byte[]> pending;

  public FederatedTrainer(TrainerConfig config, int shards) {
    super(config, TrainingExecutor.singleThread());
    if (shards < 2) {
      throw new IllegalArgumentException(
          "a federated trainer needs at least 2 shards, got " + shards + " (1: OnlineTrainer)");
    }
    this.shards = shards;
  }

  @Override
  public void open() throws Exception {
    super.open();
    pending =
        getKeyedStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    PENDING_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    // the commands take no part in event time: rounds close on the shards' watermark alone
    super.processWatermarkStatus(WatermarkStatus.IDLE, COMMAND_INPUT);
  }

  @Override
  public void processElement1(StreamRecord<byte[]> record) throws Exception {
    byte[] message = record.getValue();
    if (ShardMessage.isSample(message)) {
      onSample(record.replace(ShardMessage.sample(message)));
    } else if (ShardMessage.isDrift(message)) {
      onShardDrift(ShardMessage.drift(message));
    } else {
      pending.add(message); // decoded when its round closes
    }
  }

  @Override
  public void processElement2(StreamRecord<String> record) throws Exception {
    onCommand(record);
  }

  /** A shard's drift, for the audit: the shard starts its round itself. */
  private void onShardDrift(ShardMessage.ShardDrift d) throws Exception {
    Shard s = shard(d.drift().eventTimeMs());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("detector", d.drift().detector());
    details.put("statistic", d.drift().statistic());
    details.put("threshold", d.drift().threshold());
    details.put("host", d.drift().host());
    details.put("shard", d.shard());
    details.put("starts_round", true);
    emit(
        s,
        List.of(
            new LearningEvent(
                LearningEvent.DRIFT_DETECTED,
                d.drift().eventTimeMs(),
                s.learner.served().version(),
                details)));
  }

  /** Updates come from the shards' rounds only. */
  @Override
  void maybeUpdate(Shard s) {}

  @Override
  public void processWatermark2(Watermark mark) {
    // the command input takes no part in event time (see open)
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
    if (inputIndex != COMMAND_INPUT) {
      super.processWatermarkStatus(status, inputIndex);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    closeRounds(mark.getTimestamp());
    super.processWatermark(mark);
  }

  /**
   * Averages and decides the updates of every round whose end event time has passed, as one round:
   * they all trained from the version served now (an update of an older one is stale either way).
   */
  private void closeRounds(long watermark) throws Exception {
    if (!ownsAggregatorKey()) {
      return; // the other subtasks of the aggregator hold no key: they only pass watermarks on
    }
    setCurrentKey(TrainerShards.COMMANDS);
    List<ShardUpdate<TftWeights>> due = new ArrayList<>();
    long roundMs = Long.MIN_VALUE;
    List<byte[]> later = new ArrayList<>();
    Iterable<byte[]> all = pending.get();
    if (all == null) {
      return;
    }
    for (byte[] m : all) {
      ShardUpdate<TftWeights> u = ShardMessage.update(m, ops);
      if (u.roundMs() <= watermark) {
        due.add(u);
        roundMs = Math.max(roundMs, u.roundMs());
      } else {
        later.add(m);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    pending.update(later);
    aggregate(shard(watermark), roundMs, due);
  }

  private void aggregate(Shard s, long roundMs, List<ShardUpdate<TftWeights>> updates)
      throws Exception {
    long t0 = System.nanoTime();
    s.clock = Math.max(s.clock, roundMs);
    // the learner's own clock (the newest sample's origin): the round decides at its event time
    long now = s.learner.clockMs();
    FederatedRound round =
        FederatedRound.of(shards, roundMs, s.learner.served().version(), updates);
    emit(s, List.of(round.toEvent(now)));
    if (round.candidate() == null) {
      return;
    }
    Optional<UpdateRequest<TftWeights>> request =
        s.learner.pollRound(now, reason(round), round.samples());
    emit(s, s.learner.drainEvents()); // update_started, breaker_closed
    if (request.isEmpty()) {
      LOG.info(
          "Federated round at {} not gated: the learner takes no update now (paused, pinned,"
              + " breaker open, shadow or no hold-out yet)",
          roundMs);
      return;
    }
    complete(s, request.get().score(round.candidate(), ops, t0));
  }

  /** The update's reason in the audit: {@code federated}, or what started the round early. */
  private static String reason(FederatedRound round) {
    return round.trigger().equals(ShardLearner.SCHEDULE)
        ? "federated"
        : "federated_" + round.trigger();
  }

  private boolean ownsAggregatorKey() {
    var task = getRuntimeContext().getTaskInfo();
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
            TrainerShards.COMMANDS,
            task.getMaxNumberOfParallelSubtasks(),
            task.getNumberOfParallelSubtasks())
        == task.getIndexOfThisSubtask();
  }

  @Override
  public void endInput(int inputId) throws Exception {
    if (inputId == 1) {
      closeRounds(Long.MAX_VALUE);
    }
  }
}
