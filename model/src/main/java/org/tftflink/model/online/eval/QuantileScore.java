package org.tftflink.model.online.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates one method's forecast errors over every scored window and horizon step: pinball loss
 * per quantile, q-risk (2·Σ pinball / Σ|y|, as in the TFT paper), MAE and RMSE of the median in
 * original units, MSE and MAE of the median on the evaluation scale (the z-scale for ETT), and the
 * share of actuals inside the band between the lowest and highest quantile.
 */
public final class QuantileScore {
  private final double[] levels;
  private final int median;
  private final double[] pinball;
  private double absErr;
  private double sqErr;
  private double absErrScaled;
  private double sqErrScaled;
  private double absActual;
  private long covered;
  private long bands;
  private long points;

  /**
   * @param levels the quantile levels, strictly increasing, e.g. 0.1, 0.5, 0.9
   */
  public QuantileScore(double[] levels) {
    this.levels = levels.clone();
    this.pinball = new double[levels.length];
    int best = 0;
    for (int k = 1; k < levels.length; k++) {
      if (Math.abs(levels[k] - 0.5) < Math.abs(levels[best] - 0.5)) {
        best = k;
      }
    }
    this.median = best;
  }

  /**
   * The pinball loss of quantile forecast {@code q} at level {@code level} for actual {@code y}.
   */
  public static double pinball(double y, double q, double level) {
    double e = y - q;
    return Math.max(level * e, (level - 1) * e);
  }

  /**
   * Adds one horizon point of a quantile forecast; a missing actual (NaN) is left out.
   *
   * @param quantiles one value per level, original units
   * @param scale divides errors for the scaled MSE/MAE (1 for original units)
   */
  public void add(double y, double[] quantiles, double scale) {
    if (Double.isNaN(y)) {
      return;
    }
    for (int k = 0; k < levels.length; k++) {
      pinball[k] += pinball(y, quantiles[k], levels[k]);
    }
    bands++;
    if (y >= quantiles[0] && y <= quantiles[levels.length - 1]) {
      covered++;
    }
    addMedian(y, quantiles[median], scale);
  }

  /** Adds one horizon point of a point forecast (a baseline): every level scores it, no band. */
  public void addPoint(double y, double forecast, double scale) {
    if (Double.isNaN(y)) {
      return;
    }
    for (int k = 0; k < levels.length; k++) {
      pinball[k] += pinball(y, forecast, levels[k]);
    }
    addMedian(y, forecast, scale);
  }

  private void addMedian(double y, double p50, double scale) {
    double e = y - p50;
    absErr += Math.abs(e);
    sqErr += e * e;
    absErrScaled += Math.abs(e / scale);
    sqErrScaled += (e / scale) * (e / scale);
    absActual += Math.abs(y);
    points++;
  }

  public long points() {
    return points;
  }

  /** Mean pinball loss of level index {@code k}, original units. */
  public double meanPinball(int k) {
    return pinball[k] / points;
  }

  /** Mean pinball loss over every level, original units. */
  public double meanPinball() {
    double s = 0;
    for (double p : pinball) {
      s += p;
    }
    return s / (points * (double) levels.length);
  }

  /** 2·Σ pinball / Σ|y| at the level nearest {@code level}. */
  public double qRisk(double level) {
    int best = 0;
    for (int k = 1; k < levels.length; k++) {
      if (Math.abs(levels[k] - level) < Math.abs(levels[best] - level)) {
        best = k;
      }
    }
    return 2 * pinball[best] / absActual;
  }

  public double mae() {
    return absErr / points;
  }

  public double rmse() {
    return Math.sqrt(sqErr / points);
  }

  public double mseScaled() {
    return sqErrScaled / points;
  }

  public double maeScaled() {
    return absErrScaled / points;
  }

  /** Share of actuals inside the outer band; NaN for point forecasts. */
  public double coverage() {
    return bands == 0 ? Double.NaN : covered / (double) bands;
  }

  /** The figures by their summary.json names (NaN where a figure does not apply). */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Double> perLevel = new LinkedHashMap<>();
    for (int k = 0; k < levels.length; k++) {
      perLevel.put(label(levels[k]), meanPinball(k));
    }
    m.put("points", points);
    m.put("pinball", perLevel);
    m.put("pinball_mean", meanPinball());
    m.put("qrisk50", qRisk(0.5));
    m.put("qrisk90", qRisk(0.9));
    m.put("mae", mae());
    m.put("rmse", rmse());
    m.put("mse_scaled", mseScaled());
    m.put("mae_scaled", maeScaled());
    m.put("coverage_band", coverage());
    return m;
  }

  /** "p10" for 0.1, "p50" for 0.5, "p2.5" for 0.025. */
  static String label(double level) {
    double pct = level * 100;
    return Math.abs(pct - Math.rint(pct)) < 1e-9
        ? "p" + (long) Math.rint(pct)
        : "p" + String.valueOf(pct).replaceAll("0+$", "");
  }
}
