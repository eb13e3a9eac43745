package org.tftflink.model.tft.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates forecast errors over every window and horizon step: MSE and MAE of P50 on the
 * evaluation scale (the z-scale for ETT), P50/P90 q-risk in original units (2·Σ pinball / Σ|y|, as
 * in the TFT paper) and the share of actuals inside the P10–P90 band.
 */
public final class ForecastMetrics {
  private double sqErr;
  private double absErr;
  private double pinball50;
  private double pinball90;
  private double absActual;
  private long covered;
  private long bands;
  private long points;

  /**
   * @param actual and the forecasts in original units
   * @param evalScale divides errors for MSE/MAE (the training std of the target for z-scale
   *     figures, or 1)
   * @param p10 and p90 may be NaN for point forecasts (no coverage counted; the P50 stands in for
   *     P90)
   */
  public void add(double actual, double p10, double p50, double p90, double evalScale) {
    double e = (actual - p50) / evalScale;
    sqErr += e * e;
    absErr += Math.abs(e);
    pinball50 += pinball(actual, p50, 0.5);
    pinball90 += pinball(actual, Double.isNaN(p90) ? p50 : p90, 0.9);
    absActual += Math.abs(actual);
    if (!Double.isNaN(p10) && !Double.isNaN(p90)) {
      bands++;
      if (actual >= p10 && actual <= p90) {
        covered++;
      }
    }
    points++;
  }

  private static double pinball(double y, double q, double level) {
    double e = y - q;
    return Math.max(level * e, (level - 1) * e);
  }

  public double mse() {
    return sqErr / points;
  }

  public double mae() {
    return absErr / points;
  }

  public double qRisk50() {
    return 2 * pinball50 / absActual;
  }

  public double qRisk90() {
    return 2 * pinball90 / absActual;
  }

  public double coverage() {
    return bands == 0 ? Double.NaN : covered / (double) bands;
  }

  public long points() {
    return points;
  }

  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mse", mse());
    m.put("mae", mae());
    m.put("qrisk50", qRisk50());
    m.put("qrisk90", qRisk90());
    m.put("coverage_p10_p90", coverage());
    m.put("points", (double) points);
    return m;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "MSE %.4f  MAE %.4f  P50 q-risk %.3f  P90 q-risk %.3f  cov %.2f",
        mse(),
        mae(),
        qRisk50(),
        qRisk90(),
        coverage());
  }
}
