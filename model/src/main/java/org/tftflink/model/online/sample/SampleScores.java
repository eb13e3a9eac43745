package org.tftflink.model.online.sample;

import org.tftflink.model.online.MaturedSample;

/**
 * Scores of the forecast a sample was served with, in original units: errors, pinball loss, P50
 * absolute error, the relative P10-P90 width and how far the actuals left the band. Missing actuals
 * ({@code NaN}) are left out; a sample with none observed scores {@code NaN}.
 */
public final class SampleScores {
  private final double[] quantiles;
  private final int p50;
  private final int low;
  private final int high;

  /**
   * @param quantiles ascending levels of the served columns; must contain 0.5
   */
  public SampleScores(double[] quantiles) {
    this.quantiles = quantiles.clone();
    this.p50 = indexOf(quantiles, 0.5);
    this.low = 0;
    this.high = quantiles.length - 1;
  }

  private static int indexOf(double[] q, double level) {
    for (int i = 0; i < q.length; i++) {
      if (Math.abs(q[i] - level) < 1e-9) {
        return i;
      }
    }
    throw new IllegalArgumentException("quantile levels must contain " + level);
  }

  /** Throws unless the actuals and the served forecast cover the same horizon and quantiles. */
  public void requireShape(MaturedSample s) {
    int h = s.sample().futureTarget().length;
    if (s.served().length != h) {
      throw new IllegalArgumentException(
          "matured sample of "
              + s.host()
              + " at "
              + s.originMs()
              + ": "
              + h
              + " actuals but a served horizon of "
              + s.served().length
              + " (a sample exists only once its whole horizon matured)");
    }
    for (double[] row : s.served()) {
      if (row.length != quantiles.length) {
        throw new IllegalArgumentException(
            "matured sample of "
                + s.host()
                + ": served "
                + row.length
                + " quantiles, expected "
                + quantiles.length);
      }
    }
  }

  /** P50 errors (actual - forecast) per horizon step; NaN where the actual is missing. */
  public double[] errors(MaturedSample s) {
    double[] y = s.sample().futureTarget();
    double[] e = new double[y.length];
    for (int t = 0; t < y.length; t++) {
      e[t] = y[t] - s.served()[t][p50];
    }
    return e;
  }

  /** Mean pinball loss over observed points and all quantiles. */
  public double pinball(MaturedSample s) {
    double[] y = s.sample().futureTarget();
    double sum = 0;
    int n = 0;
    for (int t = 0; t < y.length; t++) {
      if (Double.isNaN(y[t])) {
        continue;
      }
      for (int q = 0; q < quantiles.length; q++) {
        double diff = y[t] - s.served()[t][q];
        sum += Math.max(quantiles[q] * diff, (quantiles[q] - 1) * diff);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Mean absolute P50 error over observed points. */
  public double p50AbsError(MaturedSample s) {
    double[] e = errors(s);
    double sum = 0;
    int n = 0;
    for (double v : e) {
      if (!Double.isNaN(v)) {
        sum += Math.abs(v);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Mean absolute actual over observed points (the scale of the relative scores). */
  public double meanAbsActual(MaturedSample s) {
    double sum = 0;
    int n = 0;
    for (double v : s.sample().futureTarget()) {
      if (!Double.isNaN(v)) {
        sum += Math.abs(v);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** P50 absolute error relative to the mean absolute actual (scale-free; the drift input). */
  public double relativeError(MaturedSample s) {
    return p50AbsError(s) / Math.max(meanAbsActual(s), 1e-9);
  }

  /** Mean outer band width (lowest to highest quantile) relative to the mean absolute P50. */
  public double relativeBandWidth(MaturedSample s) {
    double width = 0;
    double level = 0;
    for (double[] row : s.served()) {
      width += row[high] - row[low];
      level += Math.abs(row[p50]);
    }
    return width / Math.max(level, 1e-9);
  }

  /**
   * Largest distance of an observed actual outside the band, relative to the mean absolute P50
   * forecast; 0 when every actual is inside.
   */
  public double outsideBand(MaturedSample s) {
    double[] y = s.sample().futureTarget();
    double worst = 0;
    double level = 0;
    for (int t = 0; t < y.length; t++) {
      double[] row = s.served()[t];
      level += Math.abs(row[p50]);
      if (!Double.isNaN(y[t])) {
        worst = Math.max(worst, Math.max(row[low] - y[t], y[t] - row[high]));
      }
    }
    return worst / Math.max(level / y.length, 1e-9);
  }
}
