package org.tftflink.model.online.sample;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.online.MaturedSample;

/**
 * The recent trainable samples of all hosts, by event time ({@code sliding_window_hours} of
 * origins), capped at {@code window_max_samples}: beyond the cap a random sample leaves, so the
 * window stays a recency-weighted subsample whatever the number of hosts.
 */
public final class SlidingWindow {
  private final long spanMs;
  private final int maxSamples;
  private final List<Sequenced> entries = new ArrayList<>();
  // a lower bound on the entries' oldest origin (exact after each scan): evict scans the window
  // only when something can have expired, not once per observed sample (it was most of a
  // trainer's per-sample time at window_max_samples 5,000). Not part of the snapshot.
  private long oldestOriginBound = Long.MIN_VALUE;

  public SlidingWindow(double hours, int maxSamples) {
    this.spanMs = (long) (hours * 3_600_000L);
    this.maxSamples = maxSamples;
  }

  /** Adds a sample (with its arrival number), dropping a random one when over the cap. */
  public void add(long seq, MaturedSample s, Rng rng) {
    if (!entries.isEmpty() && seq <= entries.get(entries.size() - 1).seq()) {
      throw new IllegalArgumentException(
          "arrival numbers must increase: "
              + seq
              + " after "
              + entries.get(entries.size() - 1).seq());
    }
    entries.add(new Sequenced(seq, s));
    oldestOriginBound = Math.min(oldestOriginBound, s.originMs());
    if (entries.size() > maxSamples) {
      entries.remove(rng.nextInt(entries.size()));
    }
  }

  /** Drops samples whose origin is older than the span before {@code nowMs}. */
  public void evict(long nowMs) {
    long oldest = nowMs - spanMs;
    if (oldest <= oldestOriginBound) {
      return; // every origin is at or after the bound, so none is older than the span
    }
    entries.removeIf(e -> e.sample().originMs() < oldest);
    long min = Long.MAX_VALUE;
    for (Sequenced e : entries) {
      min = Math.min(min, e.sample().originMs());
    }
    oldestOriginBound = min;
  }

  public int size() {
    return entries.size();
  }

  /** All samples, in arrival order. */
  public List<Sequenced> entries() {
    return List.copyOf(entries);
  }

  /** Samples that arrived after arrival number {@code seq}, in arrival order. */
  public List<Sequenced> since(long seq) {
    return new ArrayList<>(entries.subList(firstAfter(seq), entries.size()));
  }

  /**
   * How many samples arrived after arrival number {@code seq}, without copying them: the learner
   * asks on every observed sample whether an update is due, and copying up to {@code
   * window_max_samples} entries each time was a per-sample cost of the trainer.
   */
  public int countSince(long seq) {
    return entries.size() - firstAfter(seq);
  }

  /** Index of the first entry with an arrival number above seq (entries are in arrival order). */
  private int firstAfter(long seq) {
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).seq() > seq) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  public long bytes() {
    long b = 0;
    for (Sequenced e : entries) {
      b += 32 + SampleCodec.bytes(e.sample());
    }
    return b;
  }

  public void write(DataOutput out) throws IOException {
    out.writeInt(entries.size());
    for (Sequenced e : entries) {
      out.writeLong(e.seq());
      SampleCodec.write(out, e.sample());
    }
  }

  public void read(DataInput in) throws IOException {
    entries.clear();
    oldestOriginBound = Long.MIN_VALUE; // the next evict scans and makes it exact
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long seq = in.readLong();
      entries.add(new Sequenced(seq, SampleCodec.read(in)));
    }
  }
}
