package org.tftflink.operators.forecast;

/**
 * A served TFT forecast waiting in keyed state for its horizon's actuals: which model served it and
 * its quantiles. A POJO (public fields, no-argument constructor) so Flink's POJO serializer stores
 * it; the layout is part of the savepoint format (layout 4).
 */
public class PendingForecast {

  /** The model version that served it. */
  public long version;

  /** The epoch of that version. */
  public long epoch;

  /** Quantile levels per horizon step. */
  public int quantiles;

  /** {@code values[h * quantiles + q]}: horizon step h+1, quantile q, original units. */
  public double[] values;

  public PendingForecast() {}

  public PendingForecast(long version, long epoch, double[][] forecast) {
    this.version = version;
    this.epoch = epoch;
    this.quantiles = forecast.length == 0 ? 0 : forecast[0].length;
    this.values = new double[forecast.length * quantiles];
    for (int h = 0; h < forecast.length; h++) {
      System.arraycopy(forecast[h], 0, values, h * quantiles, quantiles);
    }
  }

  /** {@code [horizon][quantile]}. */
  public double[][] forecast() {
    int horizon = quantiles == 0 ? 0 : values.length / quantiles;
    double[][] out = new double[horizon][quantiles];
    for (int h = 0; h < horizon; h++) {
      System.arraycopy(values, h * quantiles, out[h], 0, quantiles);
    }
    return out;
  }
}
