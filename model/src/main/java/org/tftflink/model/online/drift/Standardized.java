package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Feeds a scale-dependent detector (Page-Hinkley, ADWIN) errors in units of the baseline error: the
 * first {@code warmup} errors after a reset fix the scale (their mean) and are then replayed
 * divided by it, so one set of thresholds fits every metric and model.
 */
public final class Standardized implements DriftDetector {
  private final DriftDetector inner;
  private final double[] warm;
  private int filled;
  private double scale = Double.NaN;

  public Standardized(DriftDetector inner, int warmup) {
    this.inner = inner;
    this.warm = new double[warmup];
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean update(double x) {
    if (!Double.isFinite(x)) {
      return false;
    }
    if (Double.isNaN(scale)) {
      warm[filled++] = x;
      if (filled < warm.length) {
        return false;
      }
      double sum = 0;
      for (double v : warm) {
        sum += v;
      }
      scale = Math.max(sum / warm.length, 1e-12);
      boolean detected = false;
      for (double v : warm) {
        detected |= feed(v);
      }
      return detected;
    }
    return feed(x);
  }

  private boolean feed(double x) {
    if (inner.update(x / scale)) {
      // the new regime needs a new scale; the inner detector has reset itself
      filled = 0;
      scale = Double.NaN;
      return true;
    }
    return false;
  }

  @Override
  public double statistic() {
    return inner.statistic();
  }

  @Override
  public double threshold() {
    return inner.threshold();
  }

  @Override
  public void reset() {
    inner.reset();
    filled = 0;
    scale = Double.NaN;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    inner.write(out);
    out.writeInt(filled);
    for (int i = 0; i < filled; i++) {
      out.writeDouble(warm[i]);
    }
    out.writeDouble(scale);
  }

  @Override
  public void read(DataInput in) throws IOException {
    inner.read(in);
    filled = in.readInt();
    for (int i = 0; i < filled; i++) {
      warm[i] = in.readDouble();
    }
    scale = in.readDouble();
  }
}
