package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * ADWIN (Bifet and Gavaldà, 2007) on an exact window: every {@link #CLOCK} values, every split of
 * the window into an older and a newer part is tested, and when the means differ by more than the
 * variance-based bound ε (River's form, with confidence {@code delta}) the older part is dropped.
 * The window is kept exactly, capped at {@link #MAX_WIDTH} values (32 KB), instead of ADWIN2's
 * exponential histogram; an error stream needs no longer memory than that.
 */
public final class Adwin implements DriftDetector {
  static final int CLOCK = 32;
  static final int MAX_WIDTH = 4096;
  static final int MIN_PART = 5;
  static final int GRACE = 10;

  private final double delta;
  private final double[] ring = new double[MAX_WIDTH];
  private int start;
  private int width;
  private long ticks;
  private double statistic = Double.NaN;
  private double bound = Double.NaN;

  public Adwin(double delta) {
    this.delta = delta;
  }

  @Override
  public String name() {
    return "adwin";
  }

  @Override
  public boolean update(double x) {
    if (!Double.isFinite(x)) {
      return false;
    }
    if (width == MAX_WIDTH) {
      start = (start + 1) % MAX_WIDTH;
      width--;
    }
    ring[(start + width) % MAX_WIDTH] = x;
    width++;
    ticks++;
    if (ticks % CLOCK != 0 || width <= GRACE) {
      return false;
    }
    boolean detected = false;
    while (cutOnce()) {
      detected = true;
    }
    return detected;
  }

  /** Drops the older part at the first split whose means differ significantly. */
  private boolean cutOnce() {
    double total = 0;
    double totalSq = 0;
    for (int i = 0; i < width; i++) {
      double v = at(i);
      total += v;
      totalSq += v * v;
    }
    double mean = total / width;
    double variance = Math.max(0, totalSq / width - mean * mean);
    double deltaPrime = Math.log(2 * Math.log(width) / delta);
    double older = 0;
    for (int n0 = 1; n0 < width; n0++) {
      older += at(n0 - 1);
      int n1 = width - n0;
      if (n0 < MIN_PART || n1 < MIN_PART) {
        continue;
      }
      double diff = Math.abs(older / n0 - (total - older) / n1);
      double mRecip = 1.0 / (n0 - MIN_PART + 1) + 1.0 / (n1 - MIN_PART + 1);
      double eps = Math.sqrt(2 * mRecip * variance * deltaPrime) + 2.0 / 3 * deltaPrime * mRecip;
      if (diff > eps) {
        statistic = diff;
        bound = eps;
        start = (start + n0) % MAX_WIDTH;
        width = n1;
        return true;
      }
    }
    return false;
  }

  private double at(int i) {
    return ring[(start + i) % MAX_WIDTH];
  }

  /** Values in the current window (shrinks at a change). */
  public int width() {
    return width;
  }

  @Override
  public double statistic() {
    return statistic;
  }

  @Override
  public double threshold() {
    return bound;
  }

  @Override
  public void reset() {
    start = 0;
    width = 0;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeInt(width);
    for (int i = 0; i < width; i++) {
      out.writeDouble(at(i));
    }
    out.writeLong(ticks);
    out.writeDouble(statistic);
    out.writeDouble(bound);
  }

  @Override
  public void read(DataInput in) throws IOException {
    start = 0;
    width = in.readInt();
    for (int i = 0; i < width; i++) {
      ring[i] = in.readDouble();
    }
    ticks = in.readLong();
    statistic = in.readDouble();
    bound = in.readDouble();
  }
}
