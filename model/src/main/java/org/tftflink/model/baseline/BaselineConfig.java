package org.tftflink.model.baseline;

import java.util.Arrays;

/**
 * Settings of the seasonal-naive baseline.
 *
 * @param horizon number of steps forecast
 * @param seasonSteps the season in steps (one day: 288 at 5-minute steps)
 * @param residualWindow how many recent residuals give the quantiles
 * @param minResiduals fewest residuals with which the seasonal method is used
 * @param quantiles ascending quantile levels in (0, 1), containing 0.5
 */
public record BaselineConfig(
    int horizon, int seasonSteps, int residualWindow, int minResiduals, double[] quantiles)
    implements java.io.Serializable {

  public BaselineConfig {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    }
    if (seasonSteps < 1) {
      throw new IllegalArgumentException("season must be >= 1 step, got " + seasonSteps);
    }
    if (residualWindow < 1 || minResiduals < 1 || minResiduals > residualWindow) {
      throw new IllegalArgumentException(
          "need 1 <= minResiduals <= residualWindow, got " + minResiduals + ", " + residualWindow);
    }
    quantiles = quantiles.clone();
    for (int i = 0; i < quantiles.length; i++) {
      if (!(quantiles[i] > 0 && quantiles[i] < 1)) {
        throw new IllegalArgumentException(
            "quantile levels must lie in (0, 1), got " + quantiles[i]);
      }
      if (i > 0 && quantiles[i] <= quantiles[i - 1]) {
        throw new IllegalArgumentException(
            "quantile levels must be ascending: " + Arrays.toString(quantiles));
      }
    }
    if (Arrays.stream(quantiles).noneMatch(q -> q == 0.5)) {
      throw new IllegalArgumentException("quantile levels must contain 0.5 (the point forecast)");
    }
  }

  /** History the seasonal method needs: a season, plus the residual window. */
  public int historySteps() {
    return seasonSteps + residualWindow;
  }

  @Override
  public double[] quantiles() {
    return quantiles.clone();
  }
}
