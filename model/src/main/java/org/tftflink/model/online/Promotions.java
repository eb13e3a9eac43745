package org.tftflink.model.online;

import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.online.safety.GateDecision;
import org.tftflink.model.online.safety.LiveComparison;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.version.ModelVersion;
import org.tftflink.model.online.version.VersionStatus;
import org.tftflink.model.tft.TrainingSample;

/**
 * The learner's decisions about versions: gate, shadow period, promotion or rejection with the
 * circuit breaker, and the live watch that rolls a promoted model back.
 */
final class Promotions<M> {
  private final LearnerState<M> st;

  Promotions(LearnerState<M> st) {
    this.st = st;
  }

  void complete(UpdateOutcome<M> outcome) {
    UpdateRequest<M> r = outcome.request();
    if (r.id() != st.inFlight) {
      st.emit(
          LearningEvent.REJECTED,
          st.currentVersion(),
          "update",
          r.id(),
          "reason",
          "stale outcome: update " + r.id() + " is not in flight (restored or completed twice)");
      return;
    }
    st.inFlight = 0;
    st.updates++;
    Candidate<M> c = outcome.candidate();
    st.emit(
        LearningEvent.UPDATE_FINISHED,
        st.currentVersion(),
        "update",
        r.id(),
        "train_loss",
        c.trainLoss(),
        "steps",
        c.steps(),
        "samples",
        c.samples(),
        "aborted",
        c.aborted());
    for (int i = 0; i < r.memberVersions().size(); i++) {
      st.memberLoss.put(r.memberVersions().get(i), outcome.memberHoldoutLosses()[i]);
    }
    ModelVersion meta =
        new ModelVersion(
            st.history.nextVersion(),
            r.parentVersion(),
            0,
            st.clockMs,
            VersionStatus.PROMOTED,
            r.reason(),
            c.trainLoss(),
            outcome.candidateHoldoutLoss(),
            outcome.parentHoldoutLoss());
    if (c.aborted()) {
      st.aborted++;
      reject(meta, "aborted: " + c.abortReason(), true);
      return;
    }
    if (r.parentVersion() != st.currentVersion()) {
      reject(
          meta,
          "stale: trained from version "
              + r.parentVersion()
              + " but version "
              + st.currentVersion()
              + " is served now",
          false);
      return;
    }
    GateDecision d =
        st.gate.decide(
            outcome.candidateHoldoutLoss(), outcome.parentHoldoutLoss(), st.inFlightBaseline);
    String type = d.passed() ? LearningEvent.GATE_PASSED : LearningEvent.GATE_FAILED;
    st.emit(
        type,
        meta.version(),
        "reason",
        d.reason(),
        "ratio",
        d.ratio(),
        "holdout_loss",
        outcome.candidateHoldoutLoss(),
        "parent_holdout_loss",
        outcome.parentHoldoutLoss(),
        "baseline_holdout_loss",
        st.inFlightBaseline,
        "holdout",
        r.holdout().size());
    if (!d.passed()) {
      reject(meta, d.reason(), true);
      return;
    }
    if (st.config.shadowMinutes() > 0) {
      long until = st.clockMs + st.config.shadowMinutes() * 60_000L;
      st.shadow = comparison(meta.version(), st.currentVersion(), until);
      st.shadowModel = c.model();
      st.shadowMeta = meta;
      return;
    }
    promote(meta, c.model());
  }

  /**
   * The gate's verdict on an update whose samples since the last update hold more than {@code
   * max_suspect_share} suspect ones: failed before training ({@code poisoned_batch}), a failure for
   * the breaker like any other.
   */
  void rejectPoisoned(String reason, int clean, long suspect, double share) {
    ModelVersion meta =
        new ModelVersion(
            st.history.nextVersion(),
            st.currentVersion(),
            0,
            st.clockMs,
            VersionStatus.PROMOTED,
            reason,
            Double.NaN,
            Double.NaN,
            Double.NaN);
    double max = st.config.maxSuspectShare();
    st.emit(
        LearningEvent.GATE_FAILED,
        meta.version(),
        "reason",
        SampleScreen.POISONED_BATCH,
        "suspect",
        suspect,
        "samples",
        clean + suspect,
        "suspect_share",
        share,
        "max_suspect_share",
        max);
    reject(
        meta,
        String.format(
            "%s: %d of the %d samples since the last update (%.1f%%) are implausible, more than"
                + " max_suspect_share %.1f%%; none was trained on",
            SampleScreen.POISONED_BATCH, suspect, clean + suspect, 100 * share, 100 * max),
        true);
  }

  private void reject(ModelVersion meta, String why, boolean failure) {
    st.history.add(withStatus(meta, VersionStatus.REJECTED, meta.reason() + "; " + why), null);
    st.rejections++;
    st.emit(LearningEvent.REJECTED, meta.version(), "reason", why, "parent", meta.parent());
    if (failure && st.breaker.recordFailure(st.clockMs)) {
      st.emit(
          LearningEvent.BREAKER_OPENED,
          st.currentVersion(),
          "consecutive_failures",
          st.breaker.consecutiveFailures(),
          "cooldown_minutes",
          st.config.breakerCooldownMinutes());
    }
  }

  private void promote(ModelVersion meta, M model) {
    st.history.add(meta, model);
    st.promotions++;
    st.breaker.recordSuccess();
    st.memberLoss.put(meta.version(), meta.holdoutLoss());
    if (st.config.strategy() != Strategy.ENSEMBLE) {
      st.served.clear();
    }
    st.served.add(0, meta.version());
    while (st.served.size() > st.config.ensembleSize()) {
      st.served.remove(st.served.size() - 1);
    }
    st.watch =
        st.config.enableRollback()
            ? comparison(
                meta.version(),
                meta.parent(),
                st.clockMs + st.config.rollbackWatchMinutes() * 60_000L)
            : null;
    st.history.prune(st.protectedVersions());
    st.memberLoss.keySet().retainAll(st.history.withWeights()); // bounded like the weights
    st.emit(
        LearningEvent.PROMOTED,
        meta.version(),
        "parent",
        meta.parent(),
        "reason",
        meta.reason(),
        "holdout_loss",
        meta.holdoutLoss(),
        "parent_holdout_loss",
        meta.parentHoldoutLoss(),
        "served",
        List.copyOf(st.served),
        "weights",
        toList(st.servedWeights()));
  }

  /** A live comparison from now to {@code untilMs} scoring about live_score_max_samples. */
  private LiveComparison comparison(long challenger, long reference, long untilMs) {
    int max = st.config.liveScoreMaxSamples();
    double share = st.rate.shareFor(untilMs - st.clockMs, max);
    return new LiveComparison(challenger, reference, st.clockMs, untilMs, share, max);
  }

  /** Shadow scoring and the rollback watch, on each live (already served and scored) sample. */
  void onLiveSample(MaturedSample s) {
    int batch = st.config.onlineBatchSize();
    if (st.shadow != null) {
      st.shadow.offer(s);
      if (st.shadow.pendingCount() >= batch || st.shadow.full() || st.shadow.over(st.clockMs)) {
        score(st.shadow, st.shadowModel, st.model(st.currentVersion()));
      }
      if (st.shadow.over(st.clockMs) && st.shadow.count() >= st.config.shadowMinSamples()) {
        decideShadow();
      }
    }
    LiveComparison w = st.watch;
    if (w != null) {
      w.offer(s);
      if (w.pendingCount() >= batch || w.full()) {
        score(w, st.model(w.challenger()), st.model(w.reference()));
      }
      if (w.count() >= st.config.rollbackMinSamples()
          && st.gate.worse(w.challengerLoss(), w.referenceLoss(), st.config.rollbackTolerance())) {
        restore(
            w.reference(),
            String.format(
                "automatic: live loss %.6g of version %d against %.6g of its parent on %d samples",
                w.challengerLoss(), w.challenger(), w.referenceLoss(), w.count()));
      } else if (w.over(st.clockMs)) {
        st.watch = null;
        st.history.prune(st.protectedVersions());
      }
    }
  }

  private void score(LiveComparison cmp, M challenger, M reference) {
    List<MaturedSample> batch = cmp.drainMatured();
    if (!batch.isEmpty()) {
      cmp.record(
          liveLoss(cmp.challenger(), challenger, batch),
          liveLoss(cmp.reference(), reference, batch),
          batch.size());
    }
  }

  /**
   * The loss of {@code version} on live samples: from the forecast it served where it served one
   * alone (every strategy but the ensemble), by running the model on the rest. Scoring both sides
   * with the model cost two forward passes per live sample, more than serving them.
   */
  private double liveLoss(long version, M model, List<MaturedSample> batch) {
    boolean alone = st.config.strategy() != Strategy.ENSEMBLE;
    List<TrainingSample> served = new ArrayList<>();
    List<double[][]> forecasts = new ArrayList<>();
    List<TrainingSample> rest = new ArrayList<>();
    for (MaturedSample s : batch) {
      if (alone && s.servedVersion() == version) {
        served.add(s.sample());
        forecasts.add(s.served());
      } else {
        rest.add(s.sample());
      }
    }
    double a = served.isEmpty() ? 0 : st.ops.forecastLoss(model, served, forecasts);
    double b = rest.isEmpty() ? 0 : st.ops.loss(model, rest);
    long na = observedPoints(served);
    long nb = observedPoints(rest);
    if (na == 0 || nb == 0) {
      return na == 0 ? (rest.isEmpty() ? Double.NaN : b) : a;
    }
    return (a * na + b * nb) / (na + nb);
  }

  private static long observedPoints(List<TrainingSample> samples) {
    long n = 0;
    for (TrainingSample s : samples) {
      for (double y : s.futureTarget()) {
        if (!Double.isNaN(y)) {
          n++;
        }
      }
    }
    return n;
  }

  private void decideShadow() {
    LiveComparison sh = st.shadow;
    boolean lost = st.gate.worse(sh.challengerLoss(), sh.referenceLoss(), 0);
    ModelVersion meta = st.shadowMeta;
    M model = st.shadowModel;
    clearShadow();
    st.emit(
        LearningEvent.SHADOW_RESULT,
        meta.version(),
        "samples",
        sh.count(),
        "candidate_loss",
        sh.challengerLoss(),
        "served_loss",
        sh.referenceLoss(),
        "passed",
        !lost);
    if (lost) {
      reject(
          meta,
          String.format(
              "shadow: live loss %.6g against the served model's %.6g",
              sh.challengerLoss(), sh.referenceLoss()),
          true);
    } else {
      promote(meta, model);
    }
  }

  private void clearShadow() {
    st.shadow = null;
    st.shadowModel = null;
    st.shadowMeta = null;
  }

  /** A new version carrying {@code target}'s weights; cancels a shadow trial and the watch. */
  void restore(long target, String reason) {
    if (st.shadow != null) {
      ModelVersion meta = st.shadowMeta;
      clearShadow();
      reject(meta, "shadow cancelled by a rollback", false);
    }
    long previous = st.currentVersion();
    M m = st.model(target);
    ModelVersion v =
        new ModelVersion(
            st.history.nextVersion(),
            previous,
            target,
            st.clockMs,
            VersionStatus.RESTORED,
            reason,
            Double.NaN,
            Double.NaN,
            Double.NaN);
    st.history.add(v, m);
    st.served.clear();
    st.served.add(v.version());
    if (st.memberLoss.containsKey(target)) {
      st.memberLoss.put(v.version(), st.memberLoss.get(target));
    }
    st.watch = null;
    st.rollbacks++;
    st.history.prune(st.protectedVersions());
    st.emit(
        LearningEvent.ROLLED_BACK,
        v.version(),
        "restored_from",
        target,
        "replaced",
        previous,
        "reason",
        reason);
  }

  private static ModelVersion withStatus(ModelVersion m, VersionStatus status, String reason) {
    return new ModelVersion(
        m.version(),
        m.parent(),
        m.restoredFrom(),
        m.createdAtMs(),
        status,
        reason,
        m.trainLoss(),
        m.holdoutLoss(),
        m.parentHoldoutLoss());
  }

  private static List<Double> toList(double[] v) {
    return java.util.Arrays.stream(v).boxed().toList();
  }
}
