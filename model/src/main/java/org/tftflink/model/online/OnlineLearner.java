package org.tftflink.model.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.online.control.Command;
import org.tftflink.model.online.safety.BaselineFloor;
import org.tftflink.model.online.strategy.EnsembleWeights;
import org.tftflink.model.online.strategy.LearningRateSchedule;
import org.tftflink.model.online.strategy.UpdatePlan;
import org.tftflink.model.online.strategy.UpdatePlanner;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.online.version.ModelVersion;
import org.tftflink.model.online.version.VersionStatus;
import org.tftflink.model.tft.TftWindow;

/**
 * The online-learning orchestrator the Flink trainer and {@code ./tft evaluate} both drive:
 * prequential samples in, update requests out, gated candidates back in, learning events out.
 * Deterministic (one seeded generator) and driven by event time only; the state it keeps lives in
 * {@link LearnerState}, the promotion and rollback rules in {@link Promotions}.
 */
public final class OnlineLearner<M> {
  final LearnerState<M> st;
  final Promotions<M> promotions;
  final Commands<M> commands;

  /** The size of the last snapshot, to allocate the next one at once (not part of the state). */
  private int snapshotBytes = 1 << 16;

  /** Starts from {@code initial} as version 1. */
  public OnlineLearner(OnlineConfig config, ModelOps<M> ops, M initial, long startMs) {
    this(config, ops, initial, 1, startMs);
  }

  /** Starts from {@code initial} as the given version (the caller's envelope's). */
  public OnlineLearner(
      OnlineConfig config, ModelOps<M> ops, M initial, long initialVersion, long startMs) {
    this(new LearnerState<>(config, ops));
    st.clockMs = startMs;
    st.lastUpdateMs = startMs;
    st.history.add(
        new ModelVersion(
            initialVersion,
            0,
            0,
            startMs,
            VersionStatus.INITIAL,
            "initial",
            Double.NaN,
            Double.NaN,
            Double.NaN),
        initial);
    st.served.add(initialVersion);
  }

  private OnlineLearner(LearnerState<M> state) {
    this.st = state;
    this.promotions = new Promotions<>(state);
    this.commands = new Commands<>(state, promotions);
  }

  /** The seasonal-naive floor the gate also applies (optional; not part of the snapshot). */
  public OnlineLearner<M> withBaselineFloor(BaselineFloor floor) {
    st.floor = floor;
    return this;
  }

  /**
   * Prequential: s was already scored when served; feeds drift, window, replay, hold-out, shadow
   * and the live-error monitor, unless the sample screen finds it implausible: then it is only
   * counted (and weighs in the next update's poisoned-batch check).
   */
  public List<LearningEvent> observe(MaturedSample s) {
    st.scores.requireShape(s);
    st.advance(s.originMs());
    st.seq++;
    st.rate.count(st.clockMs);
    if (st.screen(s) != null) {
      // implausible data says nothing about the model: no drift, live score, training or hold-out
      st.suspect++;
      if (!st.holdout.isHoldout(s)) {
        st.suspectFresh++;
      }
      st.window.evict(st.clockMs);
      st.holdout.evict(st.clockMs);
      return st.drain();
    }

    if (st.config.driftDetectionEnabled()) {
      // one detector input per step: the mean over the step's hosts (StepPooling)
      st.pooling.offer(
          s.originMs(),
          st.scores.relativeError(s),
          (mean, samples) -> {
            if (st.detector.update(mean)) {
              st.drifts++;
              st.trigger = LearnerState.TRIGGER_DRIFT;
              st.emit(
                  LearningEvent.DRIFT_DETECTED,
                  st.currentVersion(),
                  "detector",
                  st.detector.name(),
                  "statistic",
                  st.detector.statistic(),
                  "threshold",
                  st.detector.threshold(),
                  "host",
                  s.host(),
                  "step_samples",
                  samples);
            }
          });
    }
    promotions.onLiveSample(s);
    if (st.holdout.isHoldout(s)) {
      st.holdout.add(s);
    } else if (st.active.accept(s)) {
      st.window.add(st.seq, s, st.rng);
      double weight = st.scores.pinball(s) / Math.max(st.scores.meanAbsActual(s), 1e-9);
      st.replay.offer(st.seq, s, weight, st.rng);
    }
    st.window.evict(st.clockMs);
    st.holdout.evict(st.clockMs);
    return st.drain();
  }

  /**
   * An update if one is due (schedule, drift or update-now; enough new samples; breaker closed; not
   * paused or pinned; inside the update hours), holding copies of what it needs. Events it causes
   * (update_started, breaker_closed) come with the next observe, complete or command, or from
   * {@link #drainEvents()}.
   */
  public Optional<UpdateRequest<M>> pollUpdate(long eventTimeMs) {
    st.advance(eventTimeMs);
    if (!mayStart()) {
      return Optional.empty();
    }
    String reason = dueReason();
    if (reason == null) {
      return Optional.empty();
    }
    if (st.config.enableValidation() && st.holdout.size() == 0) {
      return Optional.empty(); // nothing to gate with yet
    }
    int clean = st.window.countSince(st.trainedSeq);
    double share = (double) st.suspectFresh / (clean + st.suspectFresh);
    if (share > st.config.maxSuspectShare()) {
      rejectPoisoned(reason, clean, share);
      return Optional.empty();
    }
    if (clean == 0) {
      return Optional.empty(); // only suspects since the last update, and they may not train
    }
    UpdatePlan plan = UpdatePlanner.plan(st.config, st.window, st.trainedSeq, st.replay, st.rng);
    return Optional.of(request(reason, plan));
  }

  /**
   * Federated rounds: an update whose candidate the caller brings (the average of the shards'
   * candidates, see {@code federated/FederatedRound}), trained elsewhere from the current version;
   * complete it with {@link UpdateRequest#score} and {@link #complete}, so it is gated, shadowed,
   * promoted or rejected like any other. The round is the trigger, so the schedule does not apply;
   * everything else that stops an update does (disabled, paused, pinned, in flight, shadow, an open
   * breaker, no hold-out with validation on). Its {@code update_started} line counts {@code
   * samples}, the shards' total.
   */
  public Optional<UpdateRequest<M>> pollRound(long eventTimeMs, String reason, int samples) {
    st.advance(eventTimeMs);
    if (!mayStart() || (st.config.enableValidation() && st.holdout.size() == 0)) {
      return Optional.empty();
    }
    // the samples reach this learner too, so it screened them: a round whose samples were too
    // often implausible is refused like a poisoned update (the shards trained on the rest only)
    double share =
        st.suspectFresh == 0 ? 0 : (double) st.suspectFresh / (samples + st.suspectFresh);
    if (share > st.config.maxSuspectShare()) {
      rejectPoisoned(reason, samples, share);
      return Optional.empty();
    }
    return Optional.of(request(reason, new UpdatePlan(List.of(), List.of(), samples, 0), samples));
  }

  /** Whether an update may start now; closes a cooled breaker (with its event). */
  private boolean mayStart() {
    if (!st.config.enabled() || st.paused || st.pinned || st.inFlight != 0 || st.shadow != null) {
      return false;
    }
    if (st.breaker.isOpen()) {
      if (!st.breaker.closeIfCooled(st.clockMs)) {
        return false;
      }
      st.emit(LearningEvent.BREAKER_CLOSED, st.currentVersion(), "after_ms", st.clockMs);
    }
    return true;
  }

  /**
   * An update whose samples since the last update are too often suspect is not trained: the rest of
   * a feed that went bad is not trusted either. It counts as a failed update (breaker).
   */
  private void rejectPoisoned(String reason, int clean, double share) {
    long suspect = st.suspectFresh;
    st.beginUpdate();
    st.emit(
        LearningEvent.UPDATE_STARTED,
        st.currentVersion(),
        "update",
        st.inFlight,
        "reason",
        reason,
        "samples",
        0,
        "new",
        clean,
        "suspect",
        suspect,
        "suspect_share",
        share);
    st.inFlight = 0;
    st.updates++;
    st.poisonedBatches++;
    promotions.rejectPoisoned(reason, clean, suspect, share);
  }

  private String dueReason() {
    // suspect samples count: a stream gone bad leads to an update the gate rejects, on the record
    long fresh = st.window.countSince(st.trainedSeq) + st.suspectFresh;
    boolean inHours =
        st.config.updateHours().isEmpty()
            || st.config.updateHours().contains(st.hourOfDay(st.clockMs));
    if (st.trigger.equals(LearnerState.TRIGGER_NOW) && fresh >= 1) {
      return "command";
    }
    if (!inHours) {
      return null;
    }
    if (st.trigger.equals(LearnerState.TRIGGER_DRIFT) && fresh >= st.config.onlineBatchSize()) {
      return "drift";
    }
    long intervalMs = st.config.updateFrequencyMinutes() * 60_000L;
    if (st.clockMs - st.lastUpdateMs >= intervalMs && fresh >= st.config.minSamplesForUpdate()) {
      return st.config.strategy() == Strategy.PERIODIC ? "periodic" : "schedule";
    }
    return null;
  }

  private UpdateRequest<M> request(String reason, UpdatePlan plan) {
    return request(reason, plan, plan.train().size());
  }

  private UpdateRequest<M> request(String reason, UpdatePlan plan, int samples) {
    long suspectBefore = st.suspectFresh; // left out of this update's samples
    boolean drift = reason.equals("drift");
    UpdateSettings settings =
        LearningRateSchedule.settings(st.config, st.updates, drift, st.rng.nextLong());
    st.beginUpdate();
    List<Long> memberVersions = new ArrayList<>();
    List<M> members = new ArrayList<>();
    if (st.config.strategy() == Strategy.ENSEMBLE) {
      for (long v : st.served) {
        memberVersions.add(v);
        members.add(st.model(v));
      }
    }
    var holdout = st.holdout.trainingSamples();
    st.inFlightBaseline = st.floor == null ? Double.NaN : st.floor.loss(holdout);
    UpdateRequest<M> r =
        new UpdateRequest<>(
            st.inFlight,
            reason,
            st.clockMs,
            st.currentVersion(),
            st.model(st.currentVersion()),
            plan.train(),
            plan.anchors(),
            holdout,
            settings,
            memberVersions,
            members);
    st.emit(
        LearningEvent.UPDATE_STARTED,
        st.currentVersion(),
        "update",
        r.id(),
        "reason",
        reason,
        "samples",
        samples,
        "new",
        plan.fresh(),
        "replayed",
        plan.replayed(),
        "anchors",
        plan.anchors().size(),
        "holdout",
        holdout.size(),
        "suspect",
        suspectBefore,
        "learning_rate",
        settings.learningRate(),
        "epochs",
        settings.epochs(),
        "reset_optimizer",
        settings.resetOptimizer());
    return r;
  }

  /** Gate (hold-out), shadow, promote or reject, breaker, versions. */
  public List<LearningEvent> complete(UpdateOutcome<M> outcome) {
    promotions.complete(outcome);
    return st.drain();
  }

  /**
   * "rollback 3", "pin 2", "unpin", "pause", "resume", "update-now"; a malformed command is a
   * command_rejected event, never an exception.
   */
  public List<LearningEvent> command(String commandLine, long eventTimeMs) {
    st.advance(eventTimeMs);
    Command c;
    try {
      c = Command.parse(commandLine);
    } catch (IllegalArgumentException e) {
      st.emit(
          LearningEvent.COMMAND_REJECTED,
          st.currentVersion(),
          "command",
          String.valueOf(commandLine),
          "reason",
          e.getMessage());
      return st.drain();
    }
    String refusal = commands.apply(c);
    if (refusal != null) {
      st.emit(
          LearningEvent.COMMAND_REJECTED,
          st.currentVersion(),
          "command",
          commandLine.trim(),
          "reason",
          refusal);
    } else {
      st.emit(LearningEvent.COMMAND_APPLIED, st.currentVersion(), "command", commandLine.trim());
    }
    return st.drain();
  }

  /**
   * Serves {@code target}'s weights again as a new version restored from it (what a failed canary
   * asks for), like the {@code rollback} command but with the caller's reason; refused with a
   * {@code rejected} event when its weights are no longer kept.
   */
  public List<LearningEvent> rollBack(long target, String reason, long eventTimeMs) {
    st.advance(eventTimeMs);
    if (target == st.currentVersion()) {
      return st.drain();
    }
    if (st.history.model(target).isEmpty()) {
      st.emit(
          LearningEvent.REJECTED,
          st.currentVersion(),
          "reason",
          "cannot roll back to version " + target + ": its weights are no longer kept",
          "parent",
          st.currentVersion());
      return st.drain();
    }
    promotions.restore(target, reason);
    return st.drain();
  }

  /** Events caused by {@link #pollUpdate} not yet returned by another call. */
  public List<LearningEvent> drainEvents() {
    return st.drain();
  }

  /** One member unless the strategy is ensemble. */
  public Served<M> served() {
    List<M> models = new ArrayList<>();
    for (long v : st.served) {
      models.add(st.model(v));
    }
    return new Served<>(st.served, models, st.servedWeights());
  }

  /** With what is served (weighted quantile average for an ensemble). */
  public double[][][] forecast(List<TftWindow> windows) {
    Served<M> s = served();
    if (s.models().size() == 1) {
      return st.ops.predict(s.models().get(0), windows);
    }
    List<double[][][]> each = new ArrayList<>();
    for (M m : s.models()) {
      each.add(st.ops.predict(m, windows));
    }
    return EnsembleWeights.combine(each, s.weights());
  }

  /** The whole learner state (buffers, versions, detectors, breaker, schedule) for Flink state. */
  public byte[] snapshot() {
    byte[] bytes = LearnerSnapshot.write(st, snapshotBytes);
    snapshotBytes = bytes.length;
    return bytes;
  }

  /**
   * A learner continuing from a snapshot. An update in flight when the snapshot was taken is
   * forgotten and becomes due again (its outcome can no longer be completed).
   */
  public static <M> OnlineLearner<M> restore(
      OnlineConfig config, ModelOps<M> ops, byte[] snapshot) {
    LearnerState<M> state = new LearnerState<>(config, ops);
    LearnerSnapshot.read(state, snapshot);
    return new OnlineLearner<>(state);
  }

  public LearnerCounters counters() {
    return st.counters();
  }

  /** Every version made so far, oldest first. */
  public List<ModelVersion> versions() {
    return st.history.all();
  }

  /** The learner's event-time clock (the latest time it has seen). */
  public long clockMs() {
    return st.clockMs;
  }

  /**
   * Why the sample screen finds {@code s} implausible (an absurd or stuck value), or null: what
   * {@link #observe} keeps out of training, replay, hold-out, drift and live scoring.
   */
  public String screen(MaturedSample s) {
    return st.screen(s);
  }

  /** Whether a gated candidate is being scored in shadow mode. */
  public boolean inShadow() {
    return st.shadow != null;
  }

  public boolean breakerOpen() {
    return st.breaker.isOpen();
  }

  /** Heap bytes of the window, replay buffer and hold-out (models not included). */
  public long bufferBytes() {
    return st.window.bytes() + st.replay.bytes() + st.holdout.bytes();
  }

  /** Samples in the window, the replay buffer and the hold-out. */
  public int[] bufferSizes() {
    return new int[] {st.window.size(), st.replay.size(), st.holdout.size()};
  }
}
