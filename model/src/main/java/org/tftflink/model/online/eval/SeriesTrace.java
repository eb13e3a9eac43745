package org.tftflink.model.online.eval;

import java.util.Arrays;

/**
 * What one method did on one series: its score over the scored origins, the mean absolute error of
 * each origin's horizon (original units) and the freshest forecast of each row (the one-step-ahead
 * quantiles of the origin at that row), which the band plots and alerts read.
 */
public final class SeriesTrace {
  private final EvalSeries series;
  private final QuantileScore score;
  private final double[] originErrors;
  private final double[][] firstStep;

  public SeriesTrace(EvalSeries series, double[] levels) {
    this.series = series;
    this.score = new QuantileScore(levels);
    this.originErrors = new double[series.rows()];
    this.firstStep = new double[series.rows()][];
    Arrays.fill(originErrors, Double.NaN);
  }

  /**
   * Scores the forecast of {@code origin} against its horizon actuals.
   *
   * @param forecast {@code [horizon][quantile]} in model units
   * @param point whether it is a point forecast (every quantile the same: no band, no coverage)
   */
  public void score(int origin, double[][] forecast, boolean point) {
    double abs = 0;
    int n = 0;
    int median = forecast[0].length / 2;
    for (int h = 0; h < forecast.length; h++) {
      double y = series.toOriginal(series.target(origin + h));
      double[] q = new double[forecast[h].length];
      for (int k = 0; k < q.length; k++) {
        q[k] = series.toOriginal(forecast[h][k]);
      }
      if (h == 0) {
        firstStep[origin] = q;
      }
      if (Double.isNaN(y)) {
        continue;
      }
      if (point) {
        score.addPoint(y, q[median], series.metricScale());
      } else {
        score.add(y, q, series.metricScale());
      }
      abs += Math.abs(y - q[median]);
      n++;
    }
    originErrors[origin] = n == 0 ? Double.NaN : abs / n;
  }

  public EvalSeries series() {
    return series;
  }

  public QuantileScore score() {
    return score;
  }

  /** Per origin, NaN where not scored. */
  public double[] originErrors() {
    return originErrors;
  }

  /** Per row, the one-step-ahead quantiles in original units (null where not scored). */
  public double[][] firstStep() {
    return firstStep;
  }

  /**
   * Per row, whether the actual fell outside its freshest band (lowest to highest quantile); false
   * where not scored or missing.
   */
  public boolean[] outsideBand() {
    boolean[] out = new boolean[series.rows()];
    for (int r = 0; r < out.length; r++) {
      double[] q = firstStep[r];
      double y = series.toOriginal(series.target(r));
      out[r] = q != null && !Double.isNaN(y) && (y < q[0] || y > q[q.length - 1]);
    }
    return out;
  }
}
