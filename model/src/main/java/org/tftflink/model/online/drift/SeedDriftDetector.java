package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The seed design's detector: the mean and standard deviation of the last {@code drift_window_size}
 * errors against those of the {@code drift_window_size} errors before them (the baseline, which so
 * follows a model that improves); a relative rise of either by more than {@code drift_threshold} is
 * drift. Falls are improvements, not drift, so a better model never triggers an update by itself.
 * After a detection the recent window becomes the baseline, so the detector is blind for one window
 * only.
 */
public final class SeedDriftDetector implements DriftDetector {
  private final int window;
  private final double threshold;
  private Ring baseline;
  private Ring recent;
  private double statistic = Double.NaN;

  public SeedDriftDetector(int window, double threshold) {
    this.window = window;
    this.threshold = threshold;
    this.baseline = new Ring(window);
    this.recent = new Ring(window);
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
    if (recent.full()) {
      baseline.add(recent.oldest());
    }
    recent.add(x);
    if (!baseline.full()) {
      return false;
    }
    double meanRise =
        (recent.mean() - baseline.mean()) / Math.max(Math.abs(baseline.mean()), 1e-12);
    double stdRise = (recent.std() - baseline.std()) / Math.max(baseline.std(), 1e-12);
    double stat = Math.max(meanRise, stdRise);
    if (stat > threshold) {
      statistic = stat;
      baseline = recent; // the new regime is the reference from now on
      recent = new Ring(window);
      return true;
    }
    return false;
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
    baseline = new Ring(window);
    recent = new Ring(window);
  }

  @Override
  public void write(DataOutput out) throws IOException {
    baseline.write(out);
    recent.write(out);
    out.writeDouble(statistic);
  }

  @Override
  public void read(DataInput in) throws IOException {
    baseline = Ring.read(in, window);
    recent = Ring.read(in, window);
    statistic = in.readDouble();
  }

  /** A fixed-size ring of values with their running sum and sum of squares. */
  private static final class Ring {
    private final double[] v;
    private int size;
    private int start;
    private double sum;
    private double sumSq;

    Ring(int capacity) {
      v = new double[capacity];
    }

    boolean full() {
      return size == v.length;
    }

    double oldest() {
      return v[start];
    }

    void add(double x) {
      if (full()) {
        double old = v[start];
        sum -= old;
        sumSq -= old * old;
        v[start] = x;
        start = (start + 1) % v.length;
      } else {
        v[(start + size) % v.length] = x;
        size++;
      }
      sum += x;
      sumSq += x * x;
    }

    double mean() {
      return sum / size;
    }

    double std() {
      double m = mean();
      return Math.sqrt(Math.max(0, sumSq / size - m * m));
    }

    void write(DataOutput out) throws IOException {
      out.writeInt(size);
      for (int i = 0; i < size; i++) {
        out.writeDouble(v[(start + i) % v.length]);
      }
    }

    static Ring read(DataInput in, int capacity) throws IOException {
      Ring r = new Ring(capacity);
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        r.add(in.readDouble());
      }
      return r;
    }
  }
}
