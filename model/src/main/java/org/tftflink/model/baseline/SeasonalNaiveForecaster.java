package org.tftflink.model.baseline;

import java.util.Arrays;
import org.tftflink.model.grid.HostHistory;

/**
 * The baseline forecaster: seasonal naive (the value one season earlier) with quantiles taken from
 * its own recent residuals; repeat-last-value while the history is shorter than a season plus a few
 * residuals. It is the cold-start model, the fallback while the trainer's circuit breaker is open,
 * and the floor every promoted TFT version must beat.
 *
 * <p>Quantiles: for seasonal naive the error does not depend on the horizon step (every step looks
 * back exactly one season), so all steps share the empirical quantiles of the last {@code
 * residualWindow} seasonal differences {@code y[t] - y[t - season]}. For repeat-last the error
 * grows with the step like a random walk's (the naive method's textbook interval, sigma_h = sigma_1
 * * sqrt(h)), so step h scales the empirical quantiles of the 1-step differences by sqrt(h). (Exact
 * h-step difference quantiles cost twelve selections per forecast and were the pipeline's hot
 * spot.) Differences that touch an imputed value are skipped. The P50 is the naive point forecast
 * itself; other levels add the residual quantile and are clamped to stay non-crossing.
 */
public final class SeasonalNaiveForecaster implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  public static final String SEASONAL_NAIVE = "seasonal_naive";
  public static final String REPEAT_LAST = "repeat_last";

  private final BaselineConfig config;
  private final double[] levels;

  public SeasonalNaiveForecaster(BaselineConfig config) {
    this.config = config;
    this.levels = config.quantiles();
  }

  public BaselineConfig config() {
    return config;
  }

  /** History rows a host needs before the seasonal method applies. */
  public int seasonalWarmup() {
    return config.seasonSteps() + config.minResiduals();
  }

  /**
   * Forecasts column {@code column} of {@code history} for the next {@code horizon} steps.
   *
   * @return {@code out[h][q]} for h in [0, horizon) and the configured quantile levels
   */
  public Result forecast(HostHistory history, int column) {
    int n = history.size;
    if (n == 0) {
      throw new IllegalArgumentException("cannot forecast from an empty history");
    }
    double[] y = new double[n];
    boolean[] observed = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = history.value(i, column);
      observed[i] = !history.isMissing(i, column);
    }
    int season = config.seasonSteps();
    if (n >= seasonalWarmup()) {
      double[] residuals = differences(y, observed, season, config.residualWindow());
      if (residuals.length >= config.minResiduals()) {
        return new Result(SEASONAL_NAIVE, seasonal(y, season, residuals));
      }
    }
    return new Result(REPEAT_LAST, repeatLast(y, observed));
  }

  private double[][] seasonal(double[] y, int season, double[] residuals) {
    int n = y.length;
    int horizon = config.horizon();
    double[] offsets = offsets(residuals);
    double[][] out = new double[horizon][];
    for (int h = 0; h < horizon; h++) {
      // step h+1 ahead looks back one season, or several when the horizon exceeds a season
      int back = season * ((h / season) + 1) - (h + 1);
      double point = y[n - 1 - back];
      out[h] = band(point, offsets);
    }
    return out;
  }

  private double[][] repeatLast(double[] y, boolean[] observed) {
    int n = y.length;
    double point = y[n - 1];
    double[] residuals = differences(y, observed, 1, config.residualWindow());
    // with no 1-step difference yet (a single observed step), the band is the point itself
    double[] offsets = residuals.length == 0 ? new double[levels.length] : offsets(residuals);
    double[][] out = new double[config.horizon()][];
    double[] scaled = new double[levels.length];
    for (int h = 0; h < config.horizon(); h++) {
      // the naive method's h-step error spreads like a random walk's: sigma_h = sigma_1 * sqrt(h)
      double scale = Math.sqrt(h + 1);
      for (int i = 0; i < levels.length; i++) {
        scaled[i] = offsets[i] * scale;
      }
      out[h] = band(point, scaled);
    }
    return out;
  }

  /** The quantile offsets of the residuals, the P50 level mapped to zero offset. */
  private double[] offsets(double[] residuals) {
    double[] q = levels;
    double[] offsets = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      offsets[i] = q[i] == 0.5 ? 0.0 : Selection.quantile(residuals, q[i]);
    }
    return offsets;
  }

  private double[] band(double point, double[] offsets) {
    double[] q = levels;
    double[] row = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      row[i] = point + offsets[i];
    }
    // non-crossing: levels below 0.5 never exceed the point, levels above never fall under it
    for (int i = 0; i < q.length; i++) {
      if (q[i] < 0.5) {
        row[i] = Math.min(row[i], point);
      } else if (q[i] > 0.5) {
        row[i] = Math.max(row[i], point);
      }
    }
    for (int i = 1; i < q.length; i++) {
      row[i] = Math.max(row[i], row[i - 1]);
    }
    return row;
  }

  /** The last {@code window} lag-{@code lag} differences whose two ends were both observed. */
  static double[] differences(double[] y, boolean[] observed, int lag, int window) {
    double[] out = new double[Math.max(0, Math.min(window, y.length - lag))];
    int k = 0;
    for (int i = y.length - 1; i >= lag && k < out.length; i--) {
      if (observed[i] && observed[i - lag]) {
        out[k++] = y[i] - y[i - lag];
      }
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  /** A baseline forecast and the method that produced it. */
  public record Result(String method, double[][] values) {}
}
