package org.tftflink.operators.online;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.flink.api.common.operators.MailboxExecutor;
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
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.control.Command;
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
import org.tftflink.model.tft.envelope.OptimizerState;

/**
 * The federated shards ({@code trainer.shards > 1}), keyed by trainer shard: each shard keeps its
 * hosts' training samples ({@link ShardLearner}) and, when event time passes the end of a round
 * ({@code update_frequency_minutes}, aligned to the epoch), trains a candidate from the global
 * version on the samples new since its last round and sends it to the aggregator ({@link
 * FederatedTrainer}) before the watermark that closes the round. Every sample is forwarded too, for
 * the aggregator's hold-out, drift detector and watches.
 *
 * <p>A round also starts early, at the next watermark, when the control topic says {@code
 * update-now} (commands reach every shard subtask, {@link #commandMessage}) or when the shard's own
 * drift detector fires on its hosts' errors (its drift goes to the aggregator for the audit).
 *
 * <p>The global version comes from the {@code tft-models} messages the job already reads for
 * inference (second input, broadcast; Flink 2 has no iterations), under the same timeline rule: the
 * newest (epoch, version) wins, and after a restore only epochs above those seen before.
 *
 * <p>A round trains like the online trainer's updates ({@link TrainingThread}): on the subtask's
 * training thread, its update sent from the mailbox, so samples keep flowing (and forecasts with
 * them) meanwhile; the watermark that closed the round is held back until every round it started
 * has sent its update, so the aggregator never closes a round without it. With {@code sync} rounds
 * train inline. A checkpoint taken while a round trains holds the shard as before that round, the
 * round owed ({@link ShardLearner}); after a restore the owed round's timer is set again and it is
 * redone from the restored state, the held watermark having never reached the aggregator.
 */
public class ShardTrainer extends AbstractStreamOperator<byte[]>
    implements TwoInputStreamOperator<MaturedSample, byte[], byte[]>,
        Triggerable<Integer, VoidNamespace>,
        BoundedMultiInput {

  private static final long serialVersionUID = 1L;

  /** Keyed by shard: the shard learner's snapshot. */
  public static final String SHARD_STATE = "shard-learner";

  /** Operator state (union): each subtask's global version, the newest wins on restore. */
  public static final String GLOBAL_STATE = "global-model";

  private static final int MODEL_INPUT = 1; // 0-based, as processWatermarkStatus counts

  /** "TFCC": a control command on the model input (model messages start with other magics). */
  static final int COMMAND_MAGIC = 0x54464343;

  private final TrainerConfig config;
  private final TrainingExecutor executors;

  private transient OnlineConfig online;
  private transient TftModelOps ops;
  private transient double[] quantiles;
  private transient ValueState<byte[]> shardState;
  private transient ListState<byte[]> globalState;
  private transient Map<Integer, ShardLearner> learners;
  private transient InternalTimerService<VoidNamespace> rounds;
  private transient GlobalVersion global;
  private transient Counter roundsSent;
  private transient TrainingThread training;
  private transient Map<Integer, TrainingThread.Job<Candidate<TftWeights>>> running;
  private transient Watermark held; // the newest watermark not passed on while rounds train
  private transient boolean restored;
  private transient MailboxExecutor mailbox;

  public ShardTrainer(TrainerConfig config) {
    this(config, TrainingExecutor.singleThread());
  }

  public ShardTrainer(TrainerConfig config, TrainingExecutor executors) {
    this.config = config;
    this.executors = executors;
  }

  @Override
  public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
    super.setMailboxExecutor(mailboxExecutor);
    this.mailbox = mailboxExecutor; // where a trained round's update is sent from
  }

  /** A control command as the shards read it beside the model messages. */
  public static byte[] commandMessage(String command) {
    byte[] text = command.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + text.length).putInt(COMMAND_MAGIC).put(text).array();
  }

  private static String command(byte[] message) {
    if (message.length < 4 || ByteBuffer.wrap(message).getInt() != COMMAND_MAGIC) {
      return null;
    }
    return new String(message, 4, message.length - 4, StandardCharsets.UTF_8);
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    restored = context.isRestored();
    globalState =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    GLOBAL_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    global = new GlobalVersion();
    if (context.isRestored()) {
      global.restore(globalState.get());
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
    global.open(initial, first);
    shardState =
        getKeyedStateStore()
            .getState(
                new ValueStateDescriptor<>(
                    SHARD_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    learners = new HashMap<>();
    rounds = getInternalTimerService("shard-rounds", VoidNamespaceSerializer.INSTANCE, this);
    roundsSent = getMetricGroup().counter("shardRounds");
    running = new HashMap<>();
    training =
        TrainingThread.open(
            config.sync(),
            executors,
            mailbox,
            "tft-shard-trainer-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            ops,
            first);
    // the model input takes no part in event time: rounds follow the samples' watermark alone
    super.processWatermarkStatus(WatermarkStatus.IDLE, MODEL_INPUT);
    if (restored) {
      redoOwedRounds();
    }
  }

  /** Rounds that were training (or waiting) at the checkpoint: their timers again, to redo them. */
  private void redoOwedRounds() throws Exception {
    for (int key : TrainerShards.withState(getKeyedStateBackend(), SHARD_STATE)) {
      setCurrentKey(key);
      for (long roundMs : learner().owedRounds()) {
        LOG.info(
            "Shard {} redoes its round ending at {} (in flight at the checkpoint)", key, roundMs);
        rounds.registerEventTimeTimer(VoidNamespace.INSTANCE, roundMs);
      }
    }
  }

  @Override
  public void processElement1(StreamRecord<MaturedSample> record) throws Exception {
    MaturedSample s = record.getValue();
    long t = record.hasTimestamp() ? record.getTimestamp() : s.originMs();
    ShardLearner l = learner();
    // the screen needs the global version's target scale (none before the first model message)
    l.observe(
        s,
        global.weights() == null ? SampleScreen.Scale.UNKNOWN : ops.targetScale(global.weights()));
    long period = online.updateFrequencyMinutes() * 60_000L;
    // a sample stamped behind the watermark (it matured in a catch-up) joins the next round to
    // close, not one closed already: one update per shard and round
    long at = Math.max(t, rounds.currentWatermark() + 1);
    rounds.registerEventTimeTimer(
        VoidNamespace.INSTANCE, Math.floorDiv(at, period) * period + period);
    output.collect(record.replace(ShardMessage.of(s)));
    ShardLearner.Drift drift = l.takeDrift();
    if (drift != null) {
      output.collect(new StreamRecord<>(ShardMessage.of((Integer) getCurrentKey(), drift), t));
    }
    if (l.triggeredRoundDue()) {
      // the round this sample is in closes with the watermark that passes it
      startTriggeredRound(l, at);
    }
  }

  /** A round before the scheduled one: its end is owed at once, its timer fires with {@code at}. */
  private void startTriggeredRound(ShardLearner l, long at) {
    l.owe(at);
    rounds.registerEventTimeTimer(VoidNamespace.INSTANCE, at);
  }

  /**
   * A {@code tft-models} message (the newest global version under the timeline rule) or a control
   * command: {@code update-now} starts a round of every shard of this subtask at the next
   * watermark; the aggregator applies and audits every command.
   */
  @Override
  public void processElement2(StreamRecord<byte[]> record) throws Exception {
    String command = command(record.getValue());
    if (command != null) {
      onCommand(command);
      return;
    }
    try {
      global.observe(record.getValue());
    } catch (InvalidModelDataException e) {
      LOG.warn("Shard trainer ignores an unreadable model message: {}", e.getMessage());
    }
  }

  private void onCommand(String line) throws Exception {
    Command c;
    try {
      c = Command.parse(line.trim());
    } catch (IllegalArgumentException e) {
      return; // the aggregator rejects and audits it
    }
    if (!c.verb().equals(Command.UPDATE_NOW)) {
      return;
    }
    long at = rounds.currentWatermark() + 1;
    List<Integer> keys = TrainerShards.withState(getKeyedStateBackend(), SHARD_STATE);
    for (int key : learners.keySet()) {
      if (!keys.contains(key)) {
        keys.add(key); // no snapshot yet
      }
    }
    for (int key : keys) {
      setCurrentKey(key);
      ShardLearner l = learner();
      l.requestRound();
      if (l.triggeredRoundDue()) {
        startTriggeredRound(l, at);
      } // else: when a sample is new (processElement1), or with the scheduled round
    }
  }

  /** The end of a round for the current shard: train from the global version, send the update. */
  @Override
  public void onEventTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
    startRound(timer.getKey(), timer.getTimestamp());
  }

  private void startRound(int key, long roundMs) throws Exception {
    ShardLearner l = learner();
    if (l.roundInFlight()) {
      l.owe(roundMs); // polled when the one in flight has sent its update
      return;
    }
    Optional<ShardLearner.Round> polled = l.nextRound(roundMs);
    if (polled.isEmpty()) {
      return;
    }
    ShardLearner.Round round = polled.get();
    TftWeights parent = withMoments(global.weights(), l.optimizer());
    long parentVersion = global.version();
    var job =
        training.start(
            "shard " + key + " round " + roundMs,
            trainOps -> ShardLearner.train(parent, round, trainOps),
            c -> roundTrained(key, l, round, parentVersion, c));
    if (!job.settled()) {
      running.put(key, job);
    }
  }

  /** The shard's own moments on the global weights, when they fit (a new model: fresh ones). */
  private static TftWeights withMoments(TftWeights global, OptimizerState moments) {
    return moments != null && global.fits(moments) ? global.withOptimizer(moments) : global;
  }

  /** A round's candidate, on the task thread: the update goes out, maybe the held watermark too. */
  private void roundTrained(
      int key,
      ShardLearner l,
      ShardLearner.Round round,
      long parentVersion,
      Candidate<TftWeights> c)
      throws Exception {
    if (learners == null || learners.get(key) != l) {
      return; // closed meanwhile: the round is owed in the last snapshot
    }
    running.remove(key);
    setCurrentKey(key);
    l.roundSent(round, c.aborted() ? null : c.model().optimizer());
    ShardUpdate<TftWeights> u =
        new ShardUpdate<>(key, round.roundMs(), parentVersion, c, round.trigger());
    roundsSent.inc();
    output.collect(new StreamRecord<>(ShardMessage.of(u, ops), round.roundMs()));
    OptionalLong owed = l.nextOwed();
    if (owed.isPresent()) {
      startRound(key, owed.getAsLong()); // rounds that fired meanwhile: one covers them all
    }
    if (running.isEmpty() && held != null) {
      Watermark w = held;
      held = null;
      output.emitWatermark(w);
    }
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

  /** Fires the rounds that end by {@code mark}; passes it on when none of them still trains. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (timeServiceManager != null) {
      timeServiceManager.advanceWatermark(mark);
    }
    if (running.isEmpty()) {
      output.emitWatermark(mark);
    } else {
      held = mark;
    }
  }

  /** At the end of a bounded input, waits for the rounds still training so none is lost. */
  @Override
  public void endInput(int inputId) throws Exception {
    if (inputId == 1) {
      while (!running.isEmpty()) {
        running.values().iterator().next().completeNow();
      }
    }
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
    globalState.update(List.of(global.write()));
  }

  @Override
  public void close() throws Exception {
    if (training != null) {
      training.close();
    }
    learners = null;
    super.close();
  }
}
