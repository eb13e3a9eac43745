package org.tftflink.model.online.eval;

import java.util.List;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * One host's series prepared for the prequential evaluation: rows in the units the model sees
 * (target first), calendar features, the map back to original units and where training, learning
 * and scoring begin. Origin {@code o} forecasts rows {@code [o, o+horizon)} from rows {@code
 * [o-encoder, o)}.
 *
 * @param name the file name, for reports
 * @param host the static categorical of the window (several files are several hosts)
 * @param columns names of the observed columns, target first
 * @param timestampsMs event time of each row, non-decreasing (a step back is clamped)
 * @param observed {@code [rows][observedReals]} in model units
 * @param known {@code [rows][knownReals]} (hour of day, day of week)
 * @param toOriginalMean and {@code toOriginalScale}: original = model units * scale + mean
 * @param metricScale divides original-unit errors for the scaled MSE/MAE (z-scale)
 * @param seasonPeriod rows per day, for seasonal naive
 * @param trainEnd rows {@code [0, trainEnd)} train the frozen model (horizons included)
 * @param learnFrom first origin whose forecast is served to the learners
 * @param scoreFrom first origin that is scored (at least learnFrom, a season and an encoder in)
 * @param labelWindows labelled anomaly windows {@code [startMs, endMs]}, may be empty
 * @param driftMarkersMs drift markers (event times) to measure adaptation after
 */
public record EvalSeries(
    String name,
    String host,
    String[] columns,
    long[] timestampsMs,
    double[][] observed,
    double[][] known,
    double toOriginalMean,
    double toOriginalScale,
    double metricScale,
    int seasonPeriod,
    int trainEnd,
    int learnFrom,
    int scoreFrom,
    List<long[]> labelWindows,
    List<Long> driftMarkersMs) {

  public int rows() {
    return observed.length;
  }

  /** The target of a row in model units (NaN when missing). */
  public double target(int row) {
    return observed[row][0];
  }

  public double toOriginal(double modelUnits) {
    return modelUnits * toOriginalScale + toOriginalMean;
  }

  /** The last origin whose whole horizon lies inside the series. */
  public int lastOrigin(int horizon) {
    return rows() - horizon;
  }

  /** The window of origin {@code o}: history {@code [o-encoder, o)} and the calendar to the end. */
  public TftWindow window(int origin, TftConfig config) {
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    double[][] obs = new double[tEnc][];
    for (int t = 0; t < tEnc; t++) {
      obs[t] = observed[origin - tEnc + t].clone();
    }
    double[][] kn = new double[tEnc + tDec][];
    for (int t = 0; t < tEnc + tDec; t++) {
      kn[t] = known[origin - tEnc + t].clone();
    }
    String[] cats = new String[config.staticCategoricals()];
    java.util.Arrays.fill(cats, host);
    return new TftWindow(obs, kn, cats, new double[config.staticReals()]);
  }

  /** The window of origin {@code o} with its horizon actuals (model units). */
  public TrainingSample sample(int origin, TftConfig config) {
    double[] future = new double[config.horizon()];
    for (int t = 0; t < future.length; t++) {
      future[t] = target(origin + t);
    }
    return new TrainingSample(window(origin, config), future);
  }

  /** The first row whose time is at or after {@code timeMs} (rows() when none). */
  public int rowAt(long timeMs) {
    int lo = 0;
    int hi = rows();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (timestampsMs[mid] < timeMs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
