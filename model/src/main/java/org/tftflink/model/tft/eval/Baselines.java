package org.tftflink.model.tft.eval;

/**
 * Naive forecasts on the same windows: repeat the last value, and seasonal naive (the value one
 * period earlier).
 */
public final class Baselines {
  private Baselines() {}

  /**
   * Forecast for steps {@code origin .. origin+horizon-1} from the last value before {@code
   * origin}.
   */
  public static double[] repeatLast(double[] series, int origin, int horizon) {
    double[] f = new double[horizon];
    java.util.Arrays.fill(f, series[origin - 1]);
    return f;
  }

  /**
   * Value one {@code period} earlier for each step (stepping back whole periods when horizon >
   * period).
   */
  public static double[] seasonalNaive(double[] series, int origin, int horizon, int period) {
    double[] f = new double[horizon];
    for (int h = 0; h < horizon; h++) {
      int back = period * (h / period + 1);
      f[h] = series[origin + h - back];
    }
    return f;
  }
}
