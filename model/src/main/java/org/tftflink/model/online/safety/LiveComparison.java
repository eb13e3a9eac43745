package org.tftflink.model.online.safety;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.SampleCodec;
import org.tftflink.model.online.sample.StableHash;

/**
 * Two models scored on the same live samples after they matured: a shadow candidate against the
 * served model, or a just-promoted model against its parent (the rollback watch). Samples wait in a
 * batch so that the model is called once per batch, not once per sample.
 *
 * <p>Scoring runs a model on every sample it takes, on the trainer's task thread, so a comparison
 * takes a bounded number: a sample is taken when its stable hash (host and origin) falls below
 * {@code share}, chosen from the recent sample rate so that about {@code maxSamples} fall in the
 * period, and never more than {@code maxSamples} (0 = every sample). With 1,000 hosts at 5-minute
 * steps a six-hour watch would otherwise run the parent model on 72,000 samples, which held the
 * trainer, and through back-pressure the whole job, at a seventh of its throughput.
 */
public final class LiveComparison {
  private final long challenger;
  private final long reference;
  private final long startMs;
  private final long untilMs;
  private final double share;
  private final int maxSamples;
  private final List<MaturedSample> pending = new ArrayList<>();
  private double challengerSum;
  private double referenceSum;
  private long count;
  private long offered;

  /** A comparison that scores every sample. */
  public LiveComparison(long challenger, long reference, long startMs, long untilMs) {
    this(challenger, reference, startMs, untilMs, 1, 0);
  }

  /**
   * @param challenger the version being tried (shadow candidate, or the promoted model)
   * @param reference the version it must not lose to (served model, or the parent)
   * @param share the share of offered samples taken, by their stable hash, in (0, 1]
   * @param maxSamples samples taken at most (0 = no limit)
   */
  public LiveComparison(
      long challenger, long reference, long startMs, long untilMs, double share, int maxSamples) {
    if (!(share > 0 && share <= 1) || maxSamples < 0) {
      throw new IllegalArgumentException(
          "share must be in (0, 1] and maxSamples >= 0, got " + share + ", " + maxSamples);
    }
    this.challenger = challenger;
    this.reference = reference;
    this.startMs = startMs;
    this.untilMs = untilMs;
    this.share = share;
    this.maxSamples = maxSamples;
  }

  /** Takes s to be scored if its hash falls in the share and the limit is not reached. */
  public boolean offer(MaturedSample s) {
    offered++;
    if (full()) {
      return false;
    }
    if (share < 1 && position(s) >= share) {
      return false;
    }
    pending.add(s);
    return true;
  }

  /** The sample's place in [0, 1): the stable hash of its host, extended by its origin. */
  static double position(MaturedSample s) {
    return StableHash.unit((StableHash.fnv1a(s.host()) ^ s.originMs()) * 0x100000001b3L);
  }

  /** Whether it has taken its limit: its pending samples are the last it scores. */
  public boolean full() {
    return maxSamples > 0 && count + pending.size() >= maxSamples;
  }

  /** Samples offered so far, taken or not. */
  public long offered() {
    return offered;
  }

  public double share() {
    return share;
  }

  public int pendingCount() {
    return pending.size();
  }

  /** The waiting samples with their served forecasts, emptied. */
  public List<MaturedSample> drainMatured() {
    List<MaturedSample> out = List.copyOf(pending);
    pending.clear();
    return out;
  }

  /** Adds the mean losses of both models on a drained batch of n samples. */
  public void record(double challengerLoss, double referenceLoss, int n) {
    challengerSum += challengerLoss * n;
    referenceSum += referenceLoss * n;
    count += n;
  }

  public double challengerLoss() {
    return count == 0 ? Double.NaN : challengerSum / count;
  }

  public double referenceLoss() {
    return count == 0 ? Double.NaN : referenceSum / count;
  }

  public long count() {
    return count;
  }

  public long challenger() {
    return challenger;
  }

  public long reference() {
    return reference;
  }

  public long startMs() {
    return startMs;
  }

  public boolean over(long nowMs) {
    return nowMs >= untilMs;
  }

  public void write(DataOutput out) throws IOException {
    out.writeLong(challenger);
    out.writeLong(reference);
    out.writeLong(startMs);
    out.writeLong(untilMs);
    out.writeDouble(challengerSum);
    out.writeDouble(referenceSum);
    out.writeLong(count);
    out.writeInt(pending.size());
    for (MaturedSample s : pending) {
      SampleCodec.write(out, s);
    }
    // learner snapshot format 3
    out.writeDouble(share);
    out.writeInt(maxSamples);
    out.writeLong(offered);
  }

  /**
   * Reads what {@link #write} wrote; {@code withLimits} false for learner snapshots before format
   * 3, whose comparisons scored every sample (and still do after the restore).
   */
  public static LiveComparison read(DataInput in, boolean withLimits) throws IOException {
    long challenger = in.readLong();
    long reference = in.readLong();
    long startMs = in.readLong();
    long untilMs = in.readLong();
    double challengerSum = in.readDouble();
    double referenceSum = in.readDouble();
    long count = in.readLong();
    int n = in.readInt();
    List<MaturedSample> pending = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pending.add(SampleCodec.read(in));
    }
    double share = withLimits ? in.readDouble() : 1;
    int maxSamples = withLimits ? in.readInt() : 0;
    long offered = withLimits ? in.readLong() : count + n;
    LiveComparison c =
        new LiveComparison(challenger, reference, startMs, untilMs, share, maxSamples);
    c.challengerSum = challengerSum;
    c.referenceSum = referenceSum;
    c.count = count;
    c.pending.addAll(pending);
    c.offered = offered;
    return c;
  }
}
