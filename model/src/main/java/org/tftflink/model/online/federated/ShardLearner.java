package org.tftflink.model.online.federated;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.active.ActiveLearningFilter;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.drift.DriftDetector;
import org.tftflink.model.online.drift.DriftDetectors;
import org.tftflink.model.online.drift.StepPooling;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.sample.Holdout;
import org.tftflink.model.online.sample.ReplayBuffer;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.sample.SampleScores;
import org.tftflink.model.online.sample.SlidingWindow;
import org.tftflink.model.online.strategy.LearningRateSchedule;
import org.tftflink.model.online.strategy.UpdatePlan;
import org.tftflink.model.online.strategy.UpdatePlanner;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.envelope.OptimizerState;
import org.tftflink.model.tft.envelope.OptimizerStateCodec;

/**
 * One federated shard's side of the learning core: it keeps its own hosts' training samples (the
 * same sliding window, replay buffer and active-learning filter as {@code OnlineLearner}, with the
 * same configuration) and, once per round, trains a candidate from the global version on the
 * samples that matured since its last round, chosen by the same {@link UpdatePlanner}. Hold-out
 * samples are left out ({@link Holdout#isHoldout} is deterministic): the aggregator keeps the
 * hold-out and gates the round's average on it. Deterministic: one seeded generator, part of the
 * snapshot.
 *
 * <p>Rounds come at the end of each scheduled round or earlier when triggered: by {@code
 * update-now} ({@link #requestRound}) or by a drift its own detector finds on its hosts' errors
 * (the same detector and settings as {@code OnlineLearner}'s). A round polled but not yet sent (its
 * training runs elsewhere) is owed: a snapshot taken meanwhile holds the learner as it was before
 * that round, with the round's end among those owed, so that after a restore the round is redone
 * from the same state (a half-applied round cannot exist: the learner only moves on when the
 * round's update is sent, {@link #roundSent}).
 *
 * <p>The shard keeps its own Adam moments across rounds ({@link #optimizer}): each round continues
 * from the moments its previous round ended with, applied to the new global weights, as the single
 * trainer continues from its parent's moments, so that the optimizer means the same with one
 * trainer or N shards and resets happen where the schedule says (the cosine schedule's warm
 * restarts, a periodic retrain), not at every round. Restarting Adam every round makes each round's
 * first step about the full learning rate on every weight (bias-corrected moments of one gradient);
 * measured with the demo TFT on a level-shifted NAB series ({@code FederatedMomentsTest}, two
 * shards), that changes the next round's loss by under 0.2 % either way, so the choice is for
 * consistency, not accuracy. The moments shards send are averaged into the aggregator's candidate
 * too ({@link FederatedAverage}), but serving envelopes carry none, so that average never comes
 * back: each shard's own moments are what it has.
 */
public final class ShardLearner {
  static final int MAGIC = 0x54465348; // "TFSH"

  /** 2: drift detector, trigger, rounds owed and Adam moments after the format-1 fields. */
  static final int FORMAT_VERSION = 2;

  /** A round's trigger: the end of a scheduled round. */
  public static final String SCHEDULE = "schedule";

  /** A round's trigger: the shard's drift detector. */
  public static final String DRIFT = "drift";

  /** A round's trigger: an {@code update-now} command. */
  public static final String COMMAND = "command";

  private final OnlineConfig config;
  private final SampleScores scores;
  private final ActiveLearningFilter active;
  private final SlidingWindow window;
  private final ReplayBuffer replay;
  private final Holdout holdout;
  private final SampleScreen screen;
  private Rng rng;
  private long clockMs = Long.MIN_VALUE;
  private long seq;
  private long trainedSeq;
  private long rounds;
  private final DriftDetector detector;
  private final StepPooling pooling = new StepPooling();
  private String trigger; // DRIFT or COMMAND until the next round, else null
  private Drift drift; // the last detection, until the operator takes it
  private OptimizerState optimizer; // this shard's Adam moments, carried across rounds
  private Before before; // the learner before the round in flight, or null
  private final TreeSet<Long> owed = new TreeSet<>(); // round ends polled or due but not sent

  /**
   * What one round trains on, and how.
   *
   * @param roundMs the round's end (its key at the aggregator)
   * @param trigger {@link #SCHEDULE}, {@link #DRIFT} or {@link #COMMAND}
   */
  public record Round(long roundMs, String trigger, UpdatePlan plan, UpdateSettings settings) {}

  /** A drift the shard's detector found, for the audit. */
  public record Drift(
      String detector, double statistic, double threshold, String host, long eventTimeMs) {}

  /** What a round in flight changed, as it was before: a snapshot writes this. */
  private record Before(long trainedSeq, long rounds, String trigger) {}

  /**
   * @param shard mixed into the seed, so that shards do not draw the same replay samples
   */
  public ShardLearner(OnlineConfig config, double[] quantiles, int shard) {
    this.config = config;
    this.scores = new SampleScores(quantiles);
    this.active =
        new ActiveLearningFilter(config.activeLearning(), config.uncertaintyThreshold(), scores);
    this.window = new SlidingWindow(config.slidingWindowHours(), config.windowMaxSamples());
    this.replay = new ReplayBuffer(config.replayBufferSize());
    this.holdout =
        new Holdout(
            config.holdoutShare(),
            config.holdoutBlockMinutes(),
            config.holdoutMaxSamples(),
            config.slidingWindowHours());
    this.screen = SampleScreen.of(config);
    this.rng = new Rng(config.seed() * 31 + shard);
    this.detector = DriftDetectors.create(config);
  }

  /** Keeps a training sample; false for a hold-out sample or one active learning skips. */
  public boolean observe(MaturedSample s) {
    return observe(s, SampleScreen.Scale.UNKNOWN);
  }

  /**
   * Keeps a training sample; false for a hold-out sample, one active learning skips, or one the
   * sample screen finds implausible for {@code scale} (the global version's target scale). The
   * aggregator screens and counts the same samples (they reach it too) and refuses a round whose
   * share of suspects is too high; here a suspect sample only never trains.
   */
  public boolean observe(MaturedSample s, SampleScreen.Scale scale) {
    scores.requireShape(s);
    clockMs = Math.max(clockMs, s.originMs());
    if (screen.suspect(s.sample(), scale) != null) {
      window.evict(clockMs);
      return false;
    }
    if (config.driftDetectionEnabled()) {
      // one detector input per step, the mean over the shard's hosts (StepPooling)
      pooling.offer(
          s.originMs(),
          scores.relativeError(s),
          (mean, samples) -> {
            if (detector.update(mean)) {
              drift =
                  new Drift(
                      detector.name(),
                      detector.statistic(),
                      detector.threshold(),
                      s.host(),
                      s.originMs());
              if (trigger == null) {
                trigger = DRIFT;
              }
            }
          });
    }
    if (holdout.isHoldout(s)) {
      return false;
    }
    seq++;
    boolean kept = active.accept(s);
    if (kept) {
      window.add(seq, s, rng);
      double weight = scores.pinball(s) / Math.max(scores.meanAbsActual(s), 1e-9);
      replay.offer(seq, s, weight, rng);
    }
    window.evict(clockMs);
    return kept;
  }

  /** {@code update-now}: a round at the next opportunity, once a sample is new. */
  public void requestRound() {
    trigger = COMMAND;
  }

  /**
   * Whether a triggered round may start before the scheduled one: {@code update-now} once a sample
   * is new, a drift once {@code online_batch_size} are (as for the single trainer); never while a
   * round is owed.
   */
  public boolean triggeredRoundDue() {
    if (trigger == null || before != null || !owed.isEmpty()) {
      return false;
    }
    int fresh = window.countSince(trainedSeq);
    return trigger.equals(COMMAND) ? fresh >= 1 : fresh >= config.onlineBatchSize();
  }

  /** The last drift found, once (null if none since the last call). */
  public Drift takeDrift() {
    Drift d = drift;
    drift = null;
    return d;
  }

  /**
   * Records a round end this learner owes an update for, to poll when the one in flight is sent.
   */
  public void owe(long roundMs) {
    owed.add(roundMs);
  }

  /**
   * The newest round end owed while none is in flight (rounds that ended while one trained): one
   * round for it trains on everything new, so the older ones are forgotten.
   */
  public OptionalLong nextOwed() {
    if (before != null || owed.isEmpty()) {
      return OptionalLong.empty();
    }
    long newest = owed.last();
    owed.clear();
    return OptionalLong.of(newest);
  }

  /** Round ends owed (in flight or waiting), oldest first: what a restore must redo. */
  public List<Long> owedRounds() {
    return new ArrayList<>(owed);
  }

  /** Whether a round is in flight (polled, its update not sent yet). */
  public boolean roundInFlight() {
    return before != null;
  }

  /**
   * The round ending at {@code roundMs}: its samples and settings, or nothing when no sample is new
   * since the last round. It is in flight until {@link #roundSent}; one at a time.
   */
  public Optional<Round> nextRound(long roundMs) {
    if (before != null) {
      throw new IllegalStateException(
          "shard round at " + roundMs + " polled while another is in flight: owe it instead");
    }
    if (window.countSince(trainedSeq) == 0) {
      owed.remove(roundMs);
      return Optional.empty();
    }
    owed.add(roundMs);
    before = new Before(trainedSeq, rounds, trigger);
    String why = trigger == null ? SCHEDULE : trigger;
    UpdatePlan plan = UpdatePlanner.plan(config, window, trainedSeq, replay, rng);
    UpdateSettings settings =
        LearningRateSchedule.settings(config, rounds, why.equals(DRIFT), rng.nextLong());
    trainedSeq = seq;
    rounds++;
    trigger = null;
    return Optional.of(new Round(roundMs, why, plan, settings));
  }

  /**
   * The round in flight was sent: the learner moves on for good, keeping the candidate's Adam
   * moments for the next round (none: an aborted round keeps the ones it had).
   */
  public void roundSent(Round round, OptimizerState moments) {
    if (before == null) {
      throw new IllegalStateException("no shard round in flight at " + round.roundMs());
    }
    before = null;
    owed.remove(round.roundMs());
    if (moments != null) {
      optimizer = moments;
    }
  }

  /** The Adam moments the next round continues from (null: fresh ones). */
  public OptimizerState optimizer() {
    return optimizer;
  }

  /**
   * Trains the round's candidate from {@code parent} (the global version); a model that throws or
   * diverges gives an aborted candidate, which the aggregator leaves out of the average.
   */
  public static <M> Candidate<M> train(M parent, Round round, ModelOps<M> ops) {
    Candidate<M> c;
    try {
      c = ops.train(parent, round.plan().train(), round.plan().anchors(), round.settings());
    } catch (RuntimeException e) {
      return new Candidate<>(
          null, Double.NaN, 0, round.plan().train().size(), "training failed: " + e);
    }
    if (!c.aborted() && !Double.isFinite(c.trainLoss())) {
      return new Candidate<>(
          null, c.trainLoss(), c.steps(), c.samples(), "non-finite training loss " + c.trainLoss());
    }
    return c;
  }

  /** Samples in the window and the replay buffer. */
  public int[] bufferSizes() {
    return new int[] {window.size(), replay.size()};
  }

  public long rounds() {
    return rounds;
  }

  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      // a round in flight is not in the snapshot: its samples untrained, its trigger and end owed
      // (the generator is not wound back: samples since have drawn from it too)
      Before b = before == null ? new Before(trainedSeq, rounds, trigger) : before;
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(rng.state());
      out.writeLong(clockMs);
      out.writeLong(seq);
      out.writeLong(b.trainedSeq());
      out.writeLong(b.rounds());
      out.writeLong(active.seen());
      out.writeLong(active.skipped());
      window.write(out);
      replay.write(out);
      // format 2: length-prefixed and named, so a restore with another detector starts it fresh
      out.writeUTF(detector.name());
      ByteArrayOutputStream d = new ByteArrayOutputStream();
      DataOutputStream dd = new DataOutputStream(d);
      detector.write(dd);
      pooling.write(dd);
      out.writeInt(d.size());
      out.write(d.toByteArray());
      out.writeUTF(b.trigger() == null ? "" : b.trigger());
      out.writeInt(owed.size());
      for (long t : owed) {
        out.writeLong(t);
      }
      byte[] moments = OptimizerStateCodec.encode(optimizer);
      out.writeInt(moments.length);
      out.write(moments);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the shard learner's snapshot", e);
    }
    return bytes.toByteArray();
  }

  public static ShardLearner restore(
      OnlineConfig config, double[] quantiles, int shard, byte[] snapshot) {
    ShardLearner l = new ShardLearner(config, quantiles, shard);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a shard-learner snapshot (bad magic)");
      }
      int format = in.readInt();
      if (format < 1 || format > FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "shard-learner snapshot format "
                + format
                + ", this build reads 1 to "
                + FORMAT_VERSION);
      }
      l.rng = new Rng(in.readLong());
      l.clockMs = in.readLong();
      l.seq = in.readLong();
      l.trainedSeq = in.readLong();
      l.rounds = in.readLong();
      l.active.restoreCounts(in.readLong(), in.readLong());
      l.window.read(in);
      l.replay.read(in);
      if (format >= 2) {
        String detectorName = in.readUTF();
        byte[] d = new byte[in.readInt()];
        in.readFully(d);
        if (detectorName.equals(l.detector.name())) {
          DataInputStream dd = new DataInputStream(new ByteArrayInputStream(d));
          l.detector.read(dd);
          l.pooling.read(dd);
        }
        String trigger = in.readUTF();
        l.trigger = trigger.isEmpty() ? null : trigger;
        for (int i = in.readInt(); i > 0; i--) {
          l.owed.add(in.readLong());
        }
        byte[] moments = new byte[in.readInt()];
        in.readFully(moments);
        l.optimizer = moments.length == 0 ? null : OptimizerStateCodec.decode(moments);
      } // format 1 (no trigger, nothing owed, fresh moments and detector) is what it had
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt shard-learner snapshot: " + e, e);
    }
    return l;
  }
}
