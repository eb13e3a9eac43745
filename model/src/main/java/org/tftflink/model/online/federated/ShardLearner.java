package org.tftflink.model.online.federated;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.active.ActiveLearningFilter;
import org.tftflink.model.online.config.OnlineConfig;
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

/**
 * One federated shard's side of the learning core: it keeps its own hosts' training samples (the
 * same sliding window, replay buffer and active-learning filter as {@code OnlineLearner}, with the
 * same configuration) and, once per round, trains a candidate from the global version on the
 * samples that matured since its last round, chosen by the same {@link UpdatePlanner}. Hold-out
 * samples are left out ({@link Holdout#isHoldout} is deterministic): the aggregator keeps the
 * hold-out and gates the round's average on it. Deterministic: one seeded generator, part of the
 * snapshot.
 */
public final class ShardLearner {
  static final int MAGIC = 0x54465348; // "TFSH"
  static final int FORMAT_VERSION = 1;

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

  /** What one round trains on, and how. */
  public record Round(UpdatePlan plan, UpdateSettings settings) {}

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

  /** The next round's samples and settings, or nothing when no sample is new since the last. */
  public Optional<Round> nextRound() {
    if (window.since(trainedSeq).isEmpty()) {
      return Optional.empty();
    }
    UpdatePlan plan = UpdatePlanner.plan(config, window, trainedSeq, replay, rng);
    UpdateSettings settings = LearningRateSchedule.settings(config, rounds, false, rng.nextLong());
    trainedSeq = seq;
    rounds++;
    return Optional.of(new Round(plan, settings));
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
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(rng.state());
      out.writeLong(clockMs);
      out.writeLong(seq);
      out.writeLong(trainedSeq);
      out.writeLong(rounds);
      out.writeLong(active.seen());
      out.writeLong(active.skipped());
      window.write(out);
      replay.write(out);
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
      if (format != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "shard-learner snapshot format " + format + ", this build reads " + FORMAT_VERSION);
      }
      l.rng = new Rng(in.readLong());
      l.clockMs = in.readLong();
      l.seq = in.readLong();
      l.trainedSeq = in.readLong();
      l.rounds = in.readLong();
      l.active.restoreCounts(in.readLong(), in.readLong());
      l.window.read(in);
      l.replay.read(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt shard-learner snapshot: " + e, e);
    }
    return l;
  }
}
