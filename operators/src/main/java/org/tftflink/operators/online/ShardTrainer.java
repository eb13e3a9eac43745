package org.tftflink.operators.online;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.federated.ShardLearner;
import org.tftflink.model.online.federated.ShardMessage;
import org.tftflink.model.online.federated.ShardUpdate;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ModelSignature;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;
import org.tftflink.operators.serving.ModelTimeline;
import org.tftflink.operators.serving.ServingModelState;

/**
 * The federated shards ({@code trainer.shards > 1}), keyed by trainer shard: each shard keeps its
 * hosts' training samples ({@link ShardLearner}) and, when event time passes the end of a round
 * ({@code update_frequency_minutes}, aligned to the epoch), trains a candidate from the global
 * version on the samples new since its last round and sends it to the aggregator ({@link
 * FederatedTrainer}) before the watermark that closes the round. Every sample is forwarded too, for
 * the aggregator's hold-out, drift detector and watches.
 *
 * <p>The global version comes from the {@code tft-models} messages the job already reads for
 * inference (second input, broadcast; Flink 2 has no iterations), under the same timeline rule: the
 * newest (epoch, version) wins, and after a restore only epochs above those seen before. A round's
 * training runs on the task thread (TODO: off it, holding the round's watermark until it is done).
 */
public class ShardTrainer extends AbstractStreamOperator<byte[]>
    implements TwoInputStreamOperator<MaturedSample, byte[], byte[]>,
        Triggerable<Integer, VoidNamespace> {

  private static final long serialVersionUID = 1L;

  /** Keyed by shard: the shard learner's snapshot. */
  public static final String SHARD_STATE = "shard-learner";

  /** Operator state (union): each subtask's global version, the newest wins on restore. */
  public static final String GLOBAL_STATE = "global-model";

  private static final int MODEL_INPUT = 1; // 0-based, as processWatermarkStatus counts

  private final TrainerConfig config;

  private transient OnlineConfig online;
  private transient TftModelOps ops;
  private transient double[] quantiles;
  private transient ValueState<byte[]> shardState;
  private transient ListState<byte[]> globalState;
  private transient Map<Integer, ShardLearner> learners;
  private transient InternalTimerService<VoidNamespace> rounds;
  private transient ServingModelState global;
  private transient TftWeights globalWeights;
  private transient Counter roundsSent;

  public ShardTrainer(TrainerConfig config) {
    this.config = config;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    globalState =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    GLOBAL_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    global = new ServingModelState();
    if (context.isRestored()) {
      // every subtask's copy comes back (union); the newest one is the global version
      for (byte[] b : globalState.get()) {
        ServingModelState s = read(b);
        global.highestEpochSeen = Math.max(global.highestEpochSeen, s.highestEpochSeen);
        boolean newer =
            s.hasModel()
                && (!global.hasModel()
                    || s.epoch > global.epoch
                    || (s.epoch == global.epoch && s.version > global.version));
        if (newer) {
          global.envelope = s.envelope;
          global.epoch = s.epoch;
          global.version = s.version;
        }
      }
      ModelTimeline.restored(global);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    online = config.onlineConfig();
    ModelData initial = ModelDataSerializer.deserialize(config.initialEnvelope());
    TftWeights first = TftWeights.of(initial);
    ops = new TftModelOps(first); // this subtask's long-lived training model
    quantiles = ops.quantiles();
    if (global.hasModel()) {
      globalWeights = newest(ServingPlanSerializer.deserialize(global.envelope));
    } else {
      globalWeights = first;
      global.version = Math.max(1, initial.modelVersion());
      global.epoch = Math.max(1, initial.epoch());
    }
    shardState =
        getKeyedStateStore()
            .getState(
                new ValueStateDescriptor<>(
                    SHARD_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    learners = new HashMap<>();
    rounds = getInternalTimerService("shard-rounds", VoidNamespaceSerializer.INSTANCE, this);
    roundsSent = getMetricGroup().counter("shardRounds");
    // the model input takes no part in event time: rounds follow the samples' watermark alone
    super.processWatermarkStatus(WatermarkStatus.IDLE, MODEL_INPUT);
  }

  @Override
  public void processElement1(StreamRecord<MaturedSample> record) throws Exception {
    MaturedSample s = record.getValue();
    long t = record.hasTimestamp() ? record.getTimestamp() : s.originMs();
    // the screen needs the global version's target scale (none before the first model message)
    learner()
        .observe(
            s, globalWeights == null ? SampleScreen.Scale.UNKNOWN : ops.targetScale(globalWeights));
    long period = online.updateFrequencyMinutes() * 60_000L;
    // a sample stamped behind the watermark (it matured in a catch-up) joins the next round to
    // close, not one closed already: one update per shard and round
    long at = Math.max(t, rounds.currentWatermark() + 1);
    rounds.registerEventTimeTimer(
        VoidNamespace.INSTANCE, Math.floorDiv(at, period) * period + period);
    output.collect(record.replace(ShardMessage.of(s)));
  }

  /** A {@code tft-models} message: the newest global version under the timeline rule. */
  @Override
  public void processElement2(StreamRecord<byte[]> record) {
    ServingPlan plan;
    byte[] message;
    try {
      message = ModelSignature.envelopeOf(record.getValue());
      plan = ServingPlanSerializer.deserialize(message);
    } catch (InvalidModelDataException e) {
      LOG.warn("Shard trainer ignores an unreadable model message: {}", e.getMessage());
      return;
    }
    if (ModelTimeline.observe(global, plan.epoch(), plan.version(), plan.hasCanary())
        != ModelTimeline.Verdict.ACCEPT) {
      return;
    }
    ModelTimeline.accept(global, message, plan.epoch(), plan.version(), plan.hasCanary());
    globalWeights = newest(plan);
  }

  /**
   * The version the plan is known by: the learner's current one (a canary's, or the newest member).
   */
  private static TftWeights newest(ServingPlan plan) {
    ServingPlan.Group g = plan.hasCanary() ? plan.canary() : plan.stable();
    return TftWeights.of(g.members().get(0));
  }

  /** The end of a round for the current shard: train from the global version, send the update. */
  @Override
  public void onEventTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
    Optional<ShardLearner.Round> round = learner().nextRound();
    if (round.isEmpty()) {
      return;
    }
    Candidate<TftWeights> c = ShardLearner.train(globalWeights, round.get(), ops);
    ShardUpdate<TftWeights> u =
        new ShardUpdate<>(timer.getKey(), timer.getTimestamp(), global.version, c);
    roundsSent.inc();
    output.collect(new StreamRecord<>(ShardMessage.of(u, ops), timer.getTimestamp()));
  }

  @Override
  public void onProcessingTime(InternalTimer<Integer, VoidNamespace> timer) {}

  private ShardLearner learner() throws Exception {
    int key = (Integer) getCurrentKey();
    ShardLearner l = learners.get(key);
    if (l == null) {
      byte[] b = shardState.value();
      l =
          b == null
              ? new ShardLearner(online, quantiles, key)
              : ShardLearner.restore(online, quantiles, key, b);
      learners.put(key, l);
    }
    return l;
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // the model input takes no part in event time (see open)
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
    if (inputIndex != MODEL_INPUT) {
      super.processWatermarkStatus(status, inputIndex);
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    for (var e : learners.entrySet()) {
      setCurrentKey(e.getKey());
      shardState.update(e.getValue().snapshot());
    }
    globalState.update(List.of(write(global)));
  }

  private static byte[] write(ServingModelState s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(s.epoch);
      out.writeLong(s.version);
      out.writeLong(s.highestEpochSeen);
      out.writeBoolean(s.hasModel());
      if (s.hasModel()) {
        out.writeInt(s.envelope.length);
        out.write(s.envelope);
      }
    }
    return bytes.toByteArray();
  }

  private static ServingModelState read(byte[] b) throws IOException {
    ServingModelState s = new ServingModelState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      s.epoch = in.readLong();
      s.version = in.readLong();
      s.highestEpochSeen = in.readLong();
      if (in.readBoolean()) {
        s.envelope = new byte[in.readInt()];
        in.readFully(s.envelope);
      }
    }
    return s;
  }

  @Override
  public void close() throws Exception {
    learners = null;
    super.close();
  }
}
