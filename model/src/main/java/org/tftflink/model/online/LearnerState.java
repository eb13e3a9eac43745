package org.tftflink.model.online;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tftflink.model.online.active.ActiveLearningFilter;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.drift.DriftDetector;
import org.tftflink.model.online.drift.DriftDetectors;
import org.tftflink.model.online.drift.StepPooling;
import org.tftflink.model.online.safety.BaselineFloor;
import org.tftflink.model.online.safety.CircuitBreaker;
import org.tftflink.model.online.safety.LiveComparison;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.safety.ValidationGate;
import org.tftflink.model.online.sample.Holdout;
import org.tftflink.model.online.sample.ReplayBuffer;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.sample.SampleRate;
import org.tftflink.model.online.sample.SampleScores;
import org.tftflink.model.online.sample.SlidingWindow;
import org.tftflink.model.online.strategy.EnsembleWeights;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.version.ModelVersion;
import org.tftflink.model.online.version.VersionHistory;

/**
 * Everything the learner keeps, in one place so that {@link LearnerSnapshot} writes all of it;
 * fields are package-private on purpose (the learner, its promotion rules and the snapshot share
 * them, nothing else sees them).
 */
final class LearnerState<M> {
  static final String TRIGGER_NONE = "";
  static final String TRIGGER_DRIFT = "drift";
  static final String TRIGGER_NOW = "update-now";

  final OnlineConfig config;
  final ModelOps<M> ops;
  final SampleScores scores;
  final ValidationGate gate;
  final CircuitBreaker breaker;
  final DriftDetector detector;
  final ActiveLearningFilter active;
  final SampleScreen screen;
  final SlidingWindow window;
  final ReplayBuffer replay;
  final Holdout holdout;
  final VersionHistory<M> history;
  final SampleRate rate = new SampleRate();
  final StepPooling pooling = new StepPooling();
  Rng rng;
  BaselineFloor floor;

  // schedule (event time)
  long clockMs;
  long seq;
  long trainedSeq;
  // suspect samples on the training side (not hold-out blocks) since the last update
  long suspectFresh;
  long lastUpdateMs;
  String trigger = TRIGGER_NONE;
  boolean paused;
  boolean pinned;

  // the update in flight (id 0 = none) and what to restore if it is lost
  long nextRequestId = 1;
  long inFlight;
  double inFlightBaseline = Double.NaN;
  long inFlightPrevTrainedSeq;
  long inFlightPrevLastUpdateMs;
  String inFlightPrevTrigger = TRIGGER_NONE;
  long inFlightPrevSuspectFresh;

  // what is served: newest first, with the hold-out losses that weight an ensemble
  final List<Long> served = new ArrayList<>();
  final Map<Long, Double> memberLoss = new TreeMap<>();

  // a gated candidate in shadow mode, and the watch over a just-promoted model
  LiveComparison shadow;
  M shadowModel;
  ModelVersion shadowMeta;
  LiveComparison watch;

  long updates;
  long promotions;
  long rejections;
  long aborted;
  long rollbacks;
  long drifts;
  long suspect;
  long poisonedBatches;

  private final List<LearningEvent> outbox = new ArrayList<>();

  LearnerState(OnlineConfig config, ModelOps<M> ops) {
    this.config = config;
    this.ops = ops;
    this.scores = new SampleScores(ops.quantiles());
    this.gate = new ValidationGate(config.enableValidation(), config.validationThreshold());
    this.breaker =
        new CircuitBreaker(config.breakerMaxFailures(), config.breakerCooldownMinutes() * 60_000L);
    this.detector = DriftDetectors.create(config);
    this.active =
        new ActiveLearningFilter(config.activeLearning(), config.uncertaintyThreshold(), scores);
    this.screen = SampleScreen.of(config);
    this.window = new SlidingWindow(config.slidingWindowHours(), config.windowMaxSamples());
    this.replay = new ReplayBuffer(config.replayBufferSize());
    this.holdout =
        new Holdout(
            config.holdoutShare(),
            config.holdoutBlockMinutes(),
            config.holdoutMaxSamples(),
            config.slidingWindowHours());
    this.history = new VersionHistory<>(config.keepModelVersions());
    this.rng = new Rng(config.seed());
  }

  /** Event time only moves forward (late samples do not turn the clock back). */
  void advance(long eventTimeMs) {
    clockMs = Math.max(clockMs, eventTimeMs);
  }

  int hourOfDay(long ms) {
    return (int) Math.floorMod(ms / 3_600_000L, 24L);
  }

  long currentVersion() {
    return served.get(0);
  }

  /** Why the screen finds s implausible for the served model's scale, or null. */
  String screen(MaturedSample s) {
    return screen.suspect(s.sample(), ops.targetScale(model(currentVersion())));
  }

  M model(long version) {
    return history
        .model(version)
        .orElseThrow(() -> new IllegalStateException("weights of version " + version + " missing"));
  }

  double[] servedWeights() {
    if (served.size() == 1) {
      return new double[] {1.0};
    }
    double[] losses = new double[served.size()];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = memberLoss.getOrDefault(served.get(i), Double.NaN);
    }
    return EnsembleWeights.softmax(losses, config.ensembleTemperature());
  }

  /** Marks an update in flight, remembering what to restore if its outcome never comes. */
  void beginUpdate() {
    inFlight = nextRequestId++;
    inFlightPrevTrainedSeq = trainedSeq;
    inFlightPrevLastUpdateMs = lastUpdateMs;
    inFlightPrevTrigger = trigger;
    inFlightPrevSuspectFresh = suspectFresh;
    trainedSeq = seq;
    suspectFresh = 0;
    lastUpdateMs = clockMs;
    trigger = TRIGGER_NONE;
  }

  /** After a restore: the in-flight update is lost and becomes due again. */
  void forgetInFlight() {
    if (inFlight != 0) {
      trainedSeq = inFlightPrevTrainedSeq;
      lastUpdateMs = inFlightPrevLastUpdateMs;
      trigger = inFlightPrevTrigger;
      suspectFresh = inFlightPrevSuspectFresh;
      inFlight = 0;
      inFlightBaseline = Double.NaN;
    }
  }

  /** Versions whose weights must stay: served members, the shadow's reference, a watched parent. */
  Set<Long> protectedVersions() {
    Set<Long> keep = new HashSet<>(served);
    if (watch != null) {
      keep.add(watch.reference());
    }
    return keep;
  }

  void emit(String type, long version, Object... keyValues) {
    Map<String, Object> details = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      details.put((String) keyValues[i], keyValues[i + 1]);
    }
    outbox.add(new LearningEvent(type, clockMs, version, details));
  }

  List<LearningEvent> drain() {
    List<LearningEvent> out = List.copyOf(outbox);
    outbox.clear();
    return out;
  }

  LearnerCounters counters() {
    return new LearnerCounters(
        updates,
        promotions,
        rejections,
        aborted,
        rollbacks,
        breaker.openings(),
        drifts,
        active.seen(),
        active.skipped(),
        suspect,
        poisonedBatches);
  }
}
