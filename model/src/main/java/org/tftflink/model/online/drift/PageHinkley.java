package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Page-Hinkley test for a rise of the mean (errors getting worse): the cumulative sum of {@code x -
 * mean - delta}, faded by {@code alpha}, against its running minimum; drift when the gap exceeds
 * {@code lambda}, after 30 values (River's defaults: delta 0.005, lambda 50, alpha 1 - 1e-4).
 */
public final class PageHinkley implements DriftDetector {
  static final int MIN_INSTANCES = 30;

  /** River's fading factor. */
  public static final double RIVER_ALPHA = 1 - 1e-4;

  private final double delta;
  private final double lambda;
  private final double alpha;
  private long n;
  private double mean;
  private double cumulative;
  private double minimum;
  private double statistic = Double.NaN;

  /**
   * @param delta tolerated rise of the mean
   * @param lambda alarm threshold of the cumulative statistic
   * @param alpha fading factor of the cumulative sum (1 = the classic test; River fades by 1e-4,
   *     which on a long stationary stream pulls a deeply negative sum back up and false-alarms)
   */
  public PageHinkley(double delta, double lambda, double alpha) {
    this.delta = delta;
    this.lambda = lambda;
    this.alpha = alpha;
  }

  @Override
  public String name() {
    return "page_hinkley";
  }

  @Override
  public boolean update(double x) {
    if (!Double.isFinite(x)) {
      return false;
    }
    n++;
    mean += (x - mean) / n;
    cumulative = alpha * cumulative + (x - mean - delta);
    minimum = Math.min(minimum, cumulative);
    double gap = cumulative - minimum;
    if (n >= MIN_INSTANCES && gap > lambda) {
      statistic = gap;
      reset();
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
    return lambda;
  }

  @Override
  public void reset() {
    n = 0;
    mean = 0;
    cumulative = 0;
    minimum = 0;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeLong(n);
    out.writeDouble(mean);
    out.writeDouble(cumulative);
    out.writeDouble(minimum);
    out.writeDouble(statistic);
  }

  @Override
  public void read(DataInput in) throws IOException {
    n = in.readLong();
    mean = in.readDouble();
    cumulative = in.readDouble();
    minimum = in.readDouble();
    statistic = in.readDouble();
  }
}
