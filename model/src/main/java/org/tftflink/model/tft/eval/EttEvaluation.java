package org.tftflink.model.tft.eval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TrainingSample;

/**
 * The ETT protocol (data/README.md, ANCHORS.md): standard split, every column z-scored with
 * training-row statistics, target OT with the six load columns as observed covariates, hour and day
 * of week known, stride-1 windows; MSE/MAE of P50 on the z-scale, q-risk in original units,
 * baselines on the same test windows.
 */
public final class EttEvaluation {
  /** The target and the six load columns of every ETT file. */
  public static final List<String> COLUMNS =
      List.of("OT", "HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL");

  public static final String DEFAULT_TARGET = "OT";

  private EttEvaluation() {}

  /**
   * Train/validation/test row boundaries: hourly files use 8640/11520/14400, 15-minute files four
   * times that.
   */
  public static int[] split(Path csv) {
    int f = csv.getFileName().toString().startsWith("ETTm") ? 4 : 1;
    return new int[] {8640 * f, 11520 * f, 14400 * f};
  }

  /**
   * Cuts the file by the standard split. Every column is z-scored with the mean and standard
   * deviation of the training rows {@code [0, split[0])} of this same file, so training and a later
   * evaluation of the same file see identical inputs.
   *
   * @param target one of {@link #COLUMNS}; it becomes observed column 0, followed by the other six
   * @param config must have observedReals 7 and knownReals 2
   */
  public static OfflineSplit prepare(Path csv, String target, TftConfig config) {
    if (config.observedReals() != COLUMNS.size() || config.knownReals() != 2) {
      throw new IllegalArgumentException(
          "the ETT protocol needs a model with 7 observed reals (target + six loads) "
              + "and 2 known reals, this one has "
              + config.observedReals()
              + " and "
              + config.knownReals());
    }
    if (!COLUMNS.contains(target)) {
      throw new IllegalArgumentException(
          "the ETT target must be one of " + COLUMNS + ", got '" + target + "'");
    }
    List<String> observedColumns = new ArrayList<>(List.of(target));
    COLUMNS.stream().filter(c -> !c.equals(target)).forEach(observedColumns::add);
    CsvSeries data = CsvSeries.load(csv);
    int[] split = split(csv);
    int rows = data.rows();
    if (rows < split[2]) {
      throw new IllegalArgumentException(
          csv + " has " + rows + " rows; the standard ETT split needs " + split[2]);
    }
    double[][] observed = new double[rows][observedColumns.size()];
    double[] mean = new double[observedColumns.size()];
    double[] std = new double[observedColumns.size()];
    for (int j = 0; j < observedColumns.size(); j++) {
      double[] col = data.columnValues(data.column(observedColumns.get(j)));
      double s = 0;
      double ss = 0;
      for (int i = 0; i < split[0]; i++) {
        s += col[i];
        ss += col[i] * col[i];
      }
      mean[j] = s / split[0];
      std[j] = Math.sqrt(ss / split[0] - mean[j] * mean[j]);
      for (int i = 0; i < rows; i++) {
        observed[i][j] = (col[i] - mean[j]) / std[j];
      }
    }
    SeriesWindows windows =
        new SeriesWindows(config, observed, SeriesWindows.calendar(data.timestampsMs()));
    int tDec = config.horizon();
    List<TrainingSample> train = windows.samples(config.encoderLength(), split[0] - tDec);
    // every third validation window: early stopping needs a trend, not all 2,857 overlapping
    // windows, and a
    // full validation pass would cost a large share of a 15-minute budget on this machine
    List<TrainingSample> validation = every(windows.samples(split[0], split[1] - tDec), 3);
    List<TrainingSample> test = windows.samples(split[1], split[2] - tDec);
    double[] z = new double[rows];
    for (int i = 0; i < rows; i++) {
      z[i] = observed[i][0];
    }
    int period = 24 * (split[0] / 8640);
    return new OfflineSplit(
        csv.getFileName().toString(),
        train,
        validation,
        test,
        split[1],
        z,
        mean[0],
        std[0],
        std[0],
        period);
  }

  /**
   * Trains on the training rows (validation rows for early stopping) and evaluates on the test
   * rows, target OT.
   *
   * @param config must have observedReals 7 and knownReals 2
   */
  public static EvaluationReport run(
      Path csv, TftConfig config, Duration trainBudget, Consumer<String> progress) {
    return OfflineEvaluation.trainAndEvaluate(
        prepare(csv, DEFAULT_TARGET, config), config, trainBudget, progress);
  }

  private static <T> List<T> every(List<T> items, int k) {
    return IntStream.range(0, items.size()).filter(i -> i % k == 0).mapToObj(items::get).toList();
  }
}
