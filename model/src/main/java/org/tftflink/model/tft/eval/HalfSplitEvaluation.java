package org.tftflink.model.tft.eval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TrainingSample;

/**
 * The {@code half} split for single-series CSVs such as NAB's ({@code timestamp,value}): windows
 * whose horizon ends in the first half train (the last fifth of them also serve for early
 * stopping), forecasts from the second half are tested. Rows are taken as a regular grid, as they
 * come. MSE/MAE are on the training half's z-scale.
 */
public final class HalfSplitEvaluation {
  private HalfSplitEvaluation() {}

  /**
   * Cuts the file at half its rows. The model sees the target in original units (its own scaler is
   * fitted on the training windows); the z-scale of MSE/MAE uses the mean and std of the first half
   * of this same file, so an evaluation of a saved model reproduces the statistics of training.
   *
   * @param target the column to forecast, the only observed real
   * @param config must have observedReals 1 and knownReals 2 (hour, day of week)
   * @param seasonPeriod rows per day for the seasonal-naive baseline (288 for 5-minute data)
   */
  public static OfflineSplit prepare(Path csv, String target, TftConfig config, int seasonPeriod) {
    if (config.observedReals() != 1 || config.knownReals() != 2) {
      throw new IllegalArgumentException(
          "the half split needs a model with 1 observed real (the target) and 2 "
              + "known reals, this one has "
              + config.observedReals()
              + " and "
              + config.knownReals());
    }
    CsvSeries data = CsvSeries.load(csv);
    int rows = data.rows();
    int half = rows / 2;
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    if (half < tEnc + tDec + 1) {
      throw new IllegalArgumentException(
          csv
              + " has "
              + rows
              + " rows; the half split needs at least "
              + 2 * (tEnc + tDec + 1)
              + " for encoder "
              + tEnc
              + " and horizon "
              + tDec);
    }
    double[] y = data.columnValues(data.column(target));
    double[][] observed = new double[rows][1];
    double s = 0;
    double ss = 0;
    int n = 0;
    for (int i = 0; i < rows; i++) {
      observed[i][0] = y[i];
      if (i < half && !Double.isNaN(y[i])) {
        s += y[i];
        ss += y[i] * y[i];
        n++;
      }
    }
    double mean = s / n;
    double std = Math.sqrt(Math.max(ss / n - mean * mean, 1e-12));
    SeriesWindows windows =
        new SeriesWindows(config, observed, SeriesWindows.calendar(data.timestampsMs()));
    int firstTest = Math.max(Math.max(half, seasonPeriod), tEnc);
    List<TrainingSample> all = windows.samples(tEnc, half - tDec);
    int cut = (int) (all.size() * 0.8);
    return new OfflineSplit(
        csv.getFileName().toString(),
        all.subList(0, cut),
        all.subList(cut, all.size()),
        windows.samples(firstTest, rows - tDec),
        firstTest,
        y,
        0,
        1,
        std,
        seasonPeriod);
  }

  /**
   * Trains on the first half and evaluates on the second; the target is the first value column.
   *
   * @param config must have observedReals 1 and knownReals 2 (hour, day of week)
   * @param seasonPeriod rows per day for the seasonal-naive baseline (288 for 5-minute data)
   */
  public static EvaluationReport run(
      Path csv,
      TftConfig config,
      int seasonPeriod,
      Duration trainBudget,
      Consumer<String> progress) {
    String firstColumn = CsvSeries.load(csv).columns()[0];
    return OfflineEvaluation.trainAndEvaluate(
        prepare(csv, firstColumn, config, seasonPeriod), config, trainBudget, progress);
  }
}
