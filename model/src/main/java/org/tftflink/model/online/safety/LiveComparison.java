package org.tftflink.model.online.safety;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.SampleCodec;
import org.tftflink.model.tft.TrainingSample;

/**
 * Two models scored on the same live samples after they matured: a shadow candidate against the
 * served model, or a just-promoted model against its parent (the rollback watch). Samples wait in a
 * batch so that the model is called once per batch, not once per sample.
 */
public final class LiveComparison {
  private final long challenger;
  private final long reference;
  private final long startMs;
  private final long untilMs;
  private final List<MaturedSample> pending = new ArrayList<>();
  private double challengerSum;
  private double referenceSum;
  private long count;

  /**
   * @param challenger the version being tried (shadow candidate, or the promoted model)
   * @param reference the version it must not lose to (served model, or the parent)
   */
  public LiveComparison(long challenger, long reference, long startMs, long untilMs) {
    this.challenger = challenger;
    this.reference = reference;
    this.startMs = startMs;
    this.untilMs = untilMs;
  }

  public void add(MaturedSample s) {
    pending.add(s);
  }

  public int pendingCount() {
    return pending.size();
  }

  /** The waiting samples, emptied: the caller scores both models on them. */
  public List<TrainingSample> drain() {
    List<TrainingSample> out = new ArrayList<>(pending.size());
    pending.forEach(s -> out.add(s.sample()));
    pending.clear();
    return out;
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
  }

  public static LiveComparison read(DataInput in) throws IOException {
    LiveComparison c =
        new LiveComparison(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    c.challengerSum = in.readDouble();
    c.referenceSum = in.readDouble();
    c.count = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      c.pending.add(SampleCodec.read(in));
    }
    return c;
  }
}
