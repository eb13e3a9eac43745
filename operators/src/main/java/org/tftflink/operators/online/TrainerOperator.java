package org.tftflink.operators.online;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.OnlineLearner;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.UpdateOutcome;
import org.tftflink.model.online.UpdateRequest;
import org.tftflink.model.online.canary.CanaryDecision;
import org.tftflink.model.online.canary.CanaryRollout;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.SampleScores;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.serving.NativeMemoryWatch;

/**
 * What the online trainer and the federated aggregator share: one {@link OnlineLearner} per key in
 * keyed state, the timeline rule on restore, control commands, updates on the trainer's own thread
 * completed through the mailbox, and publishing (serving plans, canaries, audit lines, metrics).
 * See {@link OnlineTrainer} for the whole story; {@link FederatedTrainer} brings its candidates
 * from the shards instead of training them.
 */
abstract class TrainerOperator extends AbstractStreamOperator<byte[]> {

  private static final long serialVersionUID = 1L;

  /** Audit lines for {@code tft-model-events} ({@link OnlineTrainer#EVENTS}). */
  static final OutputTag<String> EVENTS = new OutputTag<>("model-events") {};

  private static final String LEARNER_STATE = OnlineTrainer.LEARNER_STATE;
  private static final String EPOCH_STATE = OnlineTrainer.EPOCH_STATE;
  private static final String SERVED_STATE = OnlineTrainer.SERVED_STATE;
  private static final String CANARY_STATE = OnlineTrainer.CANARY_STATE;

  final TrainerConfig config;
  private final TrainingExecutor executors;

  transient OnlineConfig online;
  private transient ModelData initial;
  private transient TftWeights initialWeights;
  transient TftModelOps ops;
  private transient ServingPlans plans;
  private transient SampleScores scores;
  private transient ValueState<byte[]> canaryState;
  private transient ValueState<byte[]> learnerState;
  private transient ValueState<Long> epochState;
  private transient ValueState<Long> servedState;
  private transient Map<Integer, Shard> shards;
  private transient TrainingThread training;
  private transient MailboxExecutor mailbox;
  transient TrainerMetrics metrics;
  private transient boolean restored;

  /** One shard's live learner and what the operator keeps beside it. */
  static final class Shard {
    final int key;
    final OnlineLearner<TftWeights> learner;
    long epoch;
    long served;
    long clock = Long.MIN_VALUE;
    UpdateRequest<TftWeights> inFlight;
    TrainingThread.Job<UpdateOutcome<TftWeights>> running;
    CanaryStage canary; // a running canary rollout, or null

    Served<TftWeights> lastFull; // what every host was last served (a canary's stable group)

    Shard(int key, OnlineLearner<TftWeights> learner, long epoch, long served) {
      this.key = key;
      this.learner = learner;
      this.epoch = epoch;
      this.served = served;
      this.lastFull = learner.served();
    }
  }

  TrainerOperator(TrainerConfig config, TrainingExecutor executors) {
    this.config = config;
    this.executors = executors;
  }

  @Override
  public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
    super.setMailboxExecutor(mailboxExecutor);
    this.mailbox = mailboxExecutor; // where a finished update's outcome is applied
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    restored = context.isRestored();
  }

  @Override
  public void open() throws Exception {
    super.open();
    // the trainer may run in a JVM of its own (the GPU pool)
    NativeMemoryWatch.start(getRuntimeContext());
    online = config.onlineConfig();
    initial = ModelDataSerializer.deserialize(config.initialEnvelope());
    initialWeights = TftWeights.of(initial);
    ops = new TftModelOps(initialWeights);
    plans = new ServingPlans(new VersionEnvelopes(initial));
    scores = new SampleScores(ops.quantiles());
    learnerState =
        getKeyedStateStore()
            .getState(
                new ValueStateDescriptor<byte[]>(
                    LEARNER_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    epochState = getKeyedStateStore().getState(new ValueStateDescriptor<>(EPOCH_STATE, Types.LONG));
    servedState =
        getKeyedStateStore().getState(new ValueStateDescriptor<>(SERVED_STATE, Types.LONG));
    canaryState =
        getKeyedStateStore()
            .getState(
                new ValueStateDescriptor<byte[]>(
                    CANARY_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    shards = new HashMap<>();
    metrics = new TrainerMetrics(getMetricGroup());
    training =
        TrainingThread.open(
            config.sync(),
            executors,
            mailbox,
            "tft-trainer-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            ops,
            initialWeights);
    if (restored) {
      republishUnderNewEpochs();
    }
  }

  /** The timeline rule: every restored shard bumps its epoch and publishes what it serves again. */
  private void republishUnderNewEpochs() throws Exception {
    for (int key : TrainerShards.withState(getKeyedStateBackend(), EPOCH_STATE)) {
      setCurrentKey(key);
      Shard s = shard(0);
      s.epoch++;
      epochState.update(s.epoch);
      Served<TftWeights> served = s.learner.served();
      LOG.info(
          "Trainer shard {} restored: epoch {}, republishing version {}",
          key,
          s.epoch,
          served.version());
      publish(s, served, ModelData.NONE, ModelData.NONE, Map.of());
    }
  }

  /** The current key's shard, from memory or state (a fresh learner on the first model if none). */
  Shard shard(long nowMs) throws Exception {
    int key = (Integer) getCurrentKey();
    Shard s = shards.get(key);
    if (s != null) {
      return s;
    }
    byte[] bytes = learnerState.value();
    if (bytes == null) {
      long firstVersion = Math.max(1, initial.modelVersion());
      var learner = new OnlineLearner<>(online, ops, initialWeights, firstVersion, nowMs);
      long epoch = Math.max(1, initial.epoch());
      s = new Shard(key, learner, epoch, learner.served().version());
      epochState.update(s.epoch);
      servedState.update(s.served);
    } else {
      s =
          new Shard(
              key,
              OnlineLearner.restore(online, ops, bytes),
              epochState.value(),
              servedState.value());
      byte[] canary = canaryState.value();
      s.canary = canary == null ? null : CanaryStage.read(canary, ops);
      metrics.canaryVersion = s.canary == null ? -1 : s.canary.rollout.canaryVersion();
    }
    shards.put(key, s);
    metrics.epoch = s.epoch;
    metrics.servedVersion = s.served;
    return s;
  }

  /** A matured sample of the current key's shard. */
  void onSample(StreamRecord<MaturedSample> record) throws Exception {
    long t = record.hasTimestamp() ? record.getTimestamp() : record.getValue().originMs();
    Shard s = shard(t);
    s.clock = Math.max(s.clock, t);
    metrics.samples.inc();
    metrics.samplesBuffered++;
    List<LearningEvent> events = s.learner.observe(record.getValue());
    metrics.suspectSamples = s.learner.counters().suspect();
    emit(s, events);
    publishIfChanged(s, events); // the rollback watch may have rolled back
    // an implausible sample would score the canary and the stable group on garbage
    if (s.canary != null && s.learner.screen(record.getValue()) == null) {
      Optional<CanaryDecision> d = s.canary.rollout.observe(record.getValue(), scores);
      if (d.isPresent()) {
        concludeCanary(s, d.get());
      }
    }
    maybeUpdate(s);
  }

  /** The canary's decision: the audit line, then the version to every host or a rollback. */
  private void concludeCanary(Shard s, CanaryDecision d) throws Exception {
    emit(s, List.of(d.toEvent(s.learner.clockMs())));
    s.canary = null;
    if (d.outcome() == CanaryDecision.Outcome.ROLL_BACK) {
      List<LearningEvent> events =
          s.learner.rollBack(
              d.stableVersion(),
              String.format(
                  "canary: live loss %.6g of version %d against %.6g of version %d on %d / %d"
                      + " samples",
                  d.canaryLoss(),
                  d.canaryVersion(),
                  d.stableLoss(),
                  d.stableVersion(),
                  d.canarySamples(),
                  d.stableSamples()),
              s.learner.clockMs());
      emit(s, events);
      if (s.learner.served().version() != s.served) {
        publishIfChanged(s, events);
        return;
      }
    }
    // promoted (or a rollback that could not be made): the served version goes to every host
    publish(s, s.learner.served(), d.stableVersion(), ModelData.NONE, Map.of());
  }

  /** A control command; applied at the shard's event-time clock, so replays decide the same. */
  void onCommand(StreamRecord<String> record) throws Exception {
    Shard s = shard(0);
    String line = record.getValue().trim();
    List<LearningEvent> events = s.learner.command(line, s.clock);
    for (LearningEvent e : events) {
      if (e.type().equals(LearningEvent.COMMAND_REJECTED)) {
        LOG.warn("Control command rejected: '{}': {}", line, e.details());
      }
    }
    emit(s, events);
    publishIfChanged(s, events);
    maybeUpdate(s);
  }

  /** Starts an update if the shard's learner has one due (the federated aggregator never does). */
  void maybeUpdate(Shard s) throws Exception {
    if (s.inFlight != null || s.canary != null) {
      // one update at a time per shard, none during a canary; samples keep flowing meanwhile
      return;
    }
    Optional<UpdateRequest<TftWeights>> due = s.learner.pollUpdate(s.clock);
    emit(s, s.learner.drainEvents()); // update_started, breaker_closed
    if (due.isEmpty()) {
      return;
    }
    UpdateRequest<TftWeights> request = due.get();
    var job =
        training.start(
            "online update " + request.id(),
            request::run,
            outcome -> completeFromTraining(s, request, outcome));
    if (!job.settled()) {
      s.inFlight = request;
      s.running = job;
    }
  }

  /** An update's outcome, on the task thread; ignored if the update was abandoned. */
  private void completeFromTraining(
      Shard s, UpdateRequest<TftWeights> request, UpdateOutcome<TftWeights> outcome)
      throws Exception {
    if (shards == null || shards.get(s.key) != s || (s.inFlight != null && s.inFlight != request)) {
      return;
    }
    setCurrentKey(s.key);
    s.inFlight = null;
    s.running = null;
    complete(s, outcome);
  }

  void complete(Shard s, UpdateOutcome<TftWeights> outcome) throws Exception {
    metrics.lastUpdateMillis = outcome.trainNanos() / 1_000_000;
    List<LearningEvent> events = s.learner.complete(outcome);
    emit(s, events);
    double loss =
        events.stream().anyMatch(e -> e.type().equals(LearningEvent.PROMOTED))
            ? outcome.candidateHoldoutLoss()
            : outcome.parentHoldoutLoss();
    metrics.holdoutLoss = loss;
    publishIfChanged(s, events);
  }

  private void publishIfChanged(Shard s, List<LearningEvent> events) throws Exception {
    Served<TftWeights> served = s.learner.served();
    if (served.version() == s.served) {
      return;
    }
    if (s.canary != null) {
      // a rollback or pin command, or the rollback watch, replaced the canary version
      CanaryDecision d =
          s.canary.rollout.superseded("version " + served.version() + " replaced the canary");
      emit(s, List.of(d.toEvent(s.learner.clockMs())));
      s.canary = null;
    } else if (online.canaryShare() > 0 && promoted(events, served.version())) {
      s.canary =
          new CanaryStage(
              // from the newest matured step on: about where inference's event time is now
              CanaryRollout.start(
                  online,
                  served.version(),
                  s.served,
                  s.clock == Long.MIN_VALUE ? s.learner.clockMs() : s.clock),
              s.lastFull);
      emit(s, List.of(s.canary.rollout.startEvent()));
    }
    long parent = s.served;
    publish(
        s,
        served,
        parent,
        VersionEnvelopes.restoredFrom(events),
        VersionEnvelopes.validation(events));
  }

  private void publish(
      Shard s,
      Served<TftWeights> served,
      long parent,
      long restoredFrom,
      Map<String, Double> validation)
      throws Exception {
    long createdAt = s.clock == Long.MIN_VALUE ? 0 : s.clock;
    byte[] envelope =
        s.canary == null
            ? plans.write(served, null, 0, s.epoch, parent, restoredFrom, createdAt, validation)
            : plans.write(
                s.canary.stable,
                served,
                s.canary.rollout.share(),
                s.epoch,
                parent,
                restoredFrom,
                createdAt,
                validation);
    // no record timestamp: an event-time stamp (years ago in a replay) would let the model topic's
    // time retention delete the version; createdAt is in the envelope
    output.collect(new StreamRecord<>(envelope));
    if (s.canary == null) {
      s.lastFull = served;
    }
    s.served = served.version();
    servedState.update(s.served);
    metrics.servedVersion = s.served;
    metrics.epoch = s.epoch;
  }

  /** Whether {@code events} promote {@code version} (not a rollback to it). */
  private static boolean promoted(List<LearningEvent> events, long version) {
    return events.stream()
        .anyMatch(e -> e.type().equals(LearningEvent.PROMOTED) && e.version() == version);
  }

  void emit(Shard s, List<LearningEvent> events) {
    for (LearningEvent e : events) {
      metrics.record(e);
      output.collect(EVENTS, new StreamRecord<>(e.toJson())); // event time is in the line
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    // the learners live in memory between checkpoints; an update in flight is not part of them
    for (Shard s : shards.values()) {
      setCurrentKey(s.key);
      learnerState.update(s.learner.snapshot());
      epochState.update(s.epoch);
      servedState.update(s.served);
      if (s.canary == null) {
        canaryState.clear();
      } else {
        canaryState.update(s.canary.write(ops));
      }
    }
  }

  /** At the end of a bounded input, waits for running updates so their decisions are not lost. */
  void finishRunningUpdates() throws Exception {
    for (Shard s : shards.values()) {
      if (s.running != null) {
        s.running.completeNow();
      }
    }
  }

  @Override
  public void close() throws Exception {
    if (training != null) {
      training.close();
    }
    shards = null;
    super.close();
  }
}
