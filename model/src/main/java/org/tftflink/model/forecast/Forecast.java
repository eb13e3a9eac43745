package org.tftflink.model.forecast;

import java.util.Objects;

/**
 * A multi-horizon quantile forecast for one host, as written to the {@code forecasts} topic.
 *
 * @param host the host
 * @param target the forecast metric
 * @param issuedAtMillis event time at which the forecast was issued: the end of the host's newest
 *     finalized step
 * @param stepMillis the grid step; horizon step h (1-based) starts at {@code issuedAt + (h-1) *
 *     step}
 * @param model the model that produced it
 * @param quantiles the quantile levels, ascending (e.g. 0.1, 0.5, 0.9)
 * @param values {@code values[h][q]}: the forecast of horizon step h+1 at quantile level q, in the
 *     metric's own units; non-decreasing in q
 */
public record Forecast(
    String host,
    String target,
    long issuedAtMillis,
    long stepMillis,
    ModelRef model,
    double[] quantiles,
    double[][] values) {

  public Forecast {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(model, "model");
    for (double[] row : values) {
      if (row.length != quantiles.length) {
        throw new IllegalArgumentException("each horizon step needs one value per quantile");
      }
    }
  }

  public int horizon() {
    return values.length;
  }

  /** Start time of horizon step {@code h} (0-based). */
  public long horizonTimestamp(int h) {
    return issuedAtMillis + h * stepMillis;
  }
}
