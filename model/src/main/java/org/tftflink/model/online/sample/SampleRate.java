package org.tftflink.model.online.sample;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Matured samples per event-time hour, from the last full hour the learner saw: what a live
 * comparison expects to be offered over its period, so that it can score a fixed number of them
 * spread over the period instead of all of them. Counted in event time, so a replay and the stream
 * that lived through the data estimate the same rate.
 */
public final class SampleRate {
  static final long HOUR_MS = 3_600_000L;

  private long bucketStartMs = Long.MIN_VALUE;
  private long bucketCount;
  private double perHour = Double.NaN;

  /** One sample at event time {@code clockMs} (the learner's clock, which never goes back). */
  public void count(long clockMs) {
    if (bucketStartMs == Long.MIN_VALUE) {
      bucketStartMs = clockMs;
    } else if (clockMs - bucketStartMs >= HOUR_MS) {
      perHour = bucketCount * (double) HOUR_MS / (clockMs - bucketStartMs);
      bucketStartMs = clockMs;
      bucketCount = 0;
    }
    bucketCount++;
  }

  /** Samples per hour of the last full hour; NaN before one has passed. */
  public double perHour() {
    return perHour;
  }

  /**
   * The share of a period's samples to score so that about {@code max} are: 1 when the rate is not
   * known yet or {@code max} is 0 (no limit); the caller still stops at {@code max}.
   */
  public double shareFor(long periodMs, int max) {
    if (max <= 0 || Double.isNaN(perHour)) {
      return 1;
    }
    double expected = perHour * periodMs / HOUR_MS;
    return expected <= max ? 1 : max / expected;
  }

  public void write(DataOutput out) throws IOException {
    out.writeLong(bucketStartMs);
    out.writeLong(bucketCount);
    out.writeDouble(perHour);
  }

  public void read(DataInput in) throws IOException {
    bucketStartMs = in.readLong();
    bucketCount = in.readLong();
    perHour = in.readDouble();
  }
}
