package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The seed design's detector: the first {@code drift_window_size} errors after a reset are the
 * baseline; afterwards the mean and the standard deviation of the last {@code drift_window_size}
 * errors are compared with the baseline's, and a relative rise of either by more than {@code
 * drift_threshold} is drift. Falls are improvements, not drift, so a better model never triggers an
 * update by itself.
 */
public final class SeedDriftDetector implements DriftDetector {
  private final int window;
  private final double threshold;
  private final double[] ring;
  private int filled;
  private int next;
  private double sum;
  private double sumSq;
  private double baseMean = Double.NaN;
  private double baseStd = Double.NaN;
  private double statistic = Double.NaN;

  public SeedDriftDetector(int window, double threshold) {
    this.window = window;
    this.threshold = threshold;
    this.ring = new double[window];
  }

  @Override
  public String name() {
    return "seed";
  }

  @Override
  public boolean update(double x) {
    if (!Double.isFinite(x)) {
      return false;
    }
    if (filled == window) {
      double old = ring[next];
      sum -= old;
      sumSq -= old * old;
    } else {
      filled++;
    }
    ring[next] = x;
    next = (next + 1) % window;
    sum += x;
    sumSq += x * x;
    if (filled < window) {
      return false;
    }
    double mean = sum / window;
    double std = Math.sqrt(Math.max(0, sumSq / window - mean * mean));
    if (Double.isNaN(baseMean)) {
      baseMean = mean;
      baseStd = std;
      clearWindow();
      return false;
    }
    double meanRise = (mean - baseMean) / Math.max(Math.abs(baseMean), 1e-12);
    double stdRise = (std - baseStd) / Math.max(baseStd, 1e-12);
    double stat = Math.max(meanRise, stdRise);
    if (stat > threshold) {
      statistic = stat;
      reset();
      return true;
    }
    return false;
  }

  private void clearWindow() {
    filled = 0;
    next = 0;
    sum = 0;
    sumSq = 0;
  }

  @Override
  public double statistic() {
    return statistic;
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public void reset() {
    clearWindow();
    baseMean = Double.NaN;
    baseStd = Double.NaN;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeInt(filled);
    out.writeInt(next);
    for (double v : ring) {
      out.writeDouble(v);
    }
    out.writeDouble(sum);
    out.writeDouble(sumSq);
    out.writeDouble(baseMean);
    out.writeDouble(baseStd);
    out.writeDouble(statistic);
  }

  @Override
  public void read(DataInput in) throws IOException {
    filled = in.readInt();
    next = in.readInt();
    for (int i = 0; i < window; i++) {
      ring[i] = in.readDouble();
    }
    sum = in.readDouble();
    sumSq = in.readDouble();
    baseMean = in.readDouble();
    baseStd = in.readDouble();
    statistic = in.readDouble();
  }
}
