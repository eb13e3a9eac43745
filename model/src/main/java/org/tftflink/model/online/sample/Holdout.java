package org.tftflink.model.online.sample;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.tft.TrainingSample;

/**
 * The gate's hold-out set: whole blocks of origin time ({@code holdout_block_minutes}), one in
 * every round(1 / {@code holdout_share}), chosen per host by a stable offset, never trained on.
 * Whole blocks keep neighbouring (overlapping) windows on the same side, so the gate does not score
 * a model on windows it nearly trained on. The most recent {@code holdout_max_samples} stay, and
 * none older than the sliding window.
 */
public final class Holdout {
  private final long blockMs;
  private final int every;
  private final int maxSamples;
  private final long spanMs;
  private final Deque<MaturedSample> samples = new ArrayDeque<>();
  // no kept sample has an origin before this (exact after a scan; MIN_VALUE: unknown), so evict
  // scans only when one can have expired, not on every observed sample
  private long oldestOriginBound = Long.MIN_VALUE;

  public Holdout(double share, int blockMinutes, int maxSamples, double windowHours) {
    this.blockMs = blockMinutes * 60_000L;
    this.every = Math.max(2, (int) Math.round(1.0 / share));
    this.maxSamples = maxSamples;
    this.spanMs = (long) (windowHours * 3_600_000L);
  }

  /** Whether this sample's origin block belongs to the hold-out (pure: time and host only). */
  public boolean isHoldout(MaturedSample s) {
    long block = Math.floorDiv(s.originMs(), blockMs);
    return Math.floorMod(block + s.host().hashCode(), every) == 0;
  }

  public void add(MaturedSample s) {
    samples.addLast(s);
    oldestOriginBound = Math.min(oldestOriginBound, s.originMs());
    while (samples.size() > maxSamples) {
      samples.removeFirst();
    }
  }

  public void evict(long nowMs) {
    long oldest = nowMs - spanMs;
    if (oldest <= oldestOriginBound) {
      return;
    }
    samples.removeIf(s -> s.originMs() < oldest);
    long min = Long.MAX_VALUE;
    for (MaturedSample s : samples) {
      min = Math.min(min, s.originMs());
    }
    oldestOriginBound = min;
  }

  public int size() {
    return samples.size();
  }

  public List<TrainingSample> trainingSamples() {
    List<TrainingSample> out = new ArrayList<>(samples.size());
    samples.forEach(s -> out.add(s.sample()));
    return out;
  }

  public long bytes() {
    long b = 0;
    for (MaturedSample s : samples) {
      b += 16 + SampleCodec.bytes(s);
    }
    return b;
  }

  public void write(DataOutput out) throws IOException {
    out.writeInt(samples.size());
    for (MaturedSample s : samples) {
      SampleCodec.write(out, s);
    }
  }

  public void read(DataInput in) throws IOException {
    samples.clear();
    oldestOriginBound = Long.MIN_VALUE;
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      samples.addLast(SampleCodec.read(in));
    }
  }
}
