package org.tftflink.model.tft.data;

import java.util.Collection;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;

/**
 * Global covariate scaling (z-score with statistics fitted on training windows) for observed, known
 * and static reals; the target's global statistics only normalise the per-window location and scale
 * fed as static reals.
 */
public record FeatureScaler(
    double[] observedMean,
    double[] observedStd,
    double[] knownMean,
    double[] knownStd,
    double[] staticMean,
    double[] staticStd) {

  /** Identity scaling for a configuration (mean 0, std 1 everywhere). */
  public static FeatureScaler identity(TftConfig c) {
    return new FeatureScaler(
        new double[c.observedReals()],
        ones(c.observedReals()),
        new double[c.knownReals()],
        ones(c.knownReals()),
        new double[c.staticReals()],
        ones(c.staticReals()));
  }

  /** Fits means and standard deviations over every finite value of the given windows. */
  public static FeatureScaler fit(TftConfig c, Collection<TftWindow> windows) {
    Moments obs = new Moments(c.observedReals());
    Moments known = new Moments(c.knownReals());
    Moments stat = new Moments(c.staticReals());
    for (TftWindow w : windows) {
      for (double[] row : w.observed()) {
        obs.add(row);
      }
      for (double[] row : w.known()) {
        known.add(row);
      }
      stat.add(w.staticReals());
    }
    return new FeatureScaler(
        obs.mean(), obs.std(), known.mean(), known.std(), stat.mean(), stat.std());
  }

  private static double[] ones(int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, 1.0);
    return a;
  }

  /**
   * Running sums per column; a column with no spread gets std 1 so that scaling never divides by
   * zero.
   */
  private static final class Moments {
    private final double[] sum;
    private final double[] sumSq;
    private final long[] count;

    Moments(int n) {
      sum = new double[n];
      sumSq = new double[n];
      count = new long[n];
    }

    void add(double[] row) {
      for (int j = 0; j < row.length; j++) {
        if (Double.isFinite(row[j])) {
          sum[j] += row[j];
          sumSq[j] += row[j] * row[j];
          count[j]++;
        }
      }
    }

    double[] mean() {
      double[] m = new double[sum.length];
      for (int j = 0; j < m.length; j++) {
        m[j] = count[j] == 0 ? 0 : sum[j] / count[j];
      }
      return m;
    }

    double[] std() {
      double[] m = mean();
      double[] s = new double[sum.length];
      for (int j = 0; j < s.length; j++) {
        double var = count[j] == 0 ? 0 : sumSq[j] / count[j] - m[j] * m[j];
        s[j] = var > 1e-12 ? Math.sqrt(var) : 1.0;
      }
      return s;
    }
  }
}
