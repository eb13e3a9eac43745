package org.tftflink.model.tft.eval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.train.TftTrainer;
import org.tftflink.model.tft.train.TrainingResult;

/**
 * The ETT protocol (data/README.md, ANCHORS.md): standard split, every column z-scored with training-row
 * statistics, target OT with the six load columns as observed covariates, hour and day of week known, stride-1
 * windows; MSE/MAE of P50 on the z-scale, q-risk in original units, baselines on the same test windows.
 */
public final class EttEvaluation {
  private static final String[] OBSERVED = {"OT", "HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL"};

  private EttEvaluation() {}

  /** Train/validation/test row boundaries: hourly files use 8640/11520/14400, 15-minute files four times that. */
  public static int[] split(Path csv) {
    int f = csv.getFileName().toString().startsWith("ETTm") ? 4 : 1;
    return new int[] {8640 * f, 11520 * f, 14400 * f};
  }

  /**
   * Trains on the training rows (validation rows for early stopping) and evaluates on the test rows.
   *
   * @param config must have observedReals 7 and knownReals 2
   */
  public static EvaluationReport run(Path csv, TftConfig config, Duration trainBudget, Consumer<String> progress) {
    if (config.observedReals() != OBSERVED.length || config.knownReals() != 2) {
      throw new IllegalArgumentException("the ETT protocol needs observedReals=7 (OT + 6 loads) and knownReals=2");
    }
    CsvSeries data = CsvSeries.load(csv);
    int[] split = split(csv);
    int rows = data.rows();
    double[][] observed = new double[rows][OBSERVED.length];
    double[] mean = new double[OBSERVED.length];
    double[] std = new double[OBSERVED.length];
    for (int j = 0; j < OBSERVED.length; j++) {
      double[] col = data.columnValues(data.column(OBSERVED[j]));
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
    SeriesWindows windows = new SeriesWindows(config, observed, SeriesWindows.calendar(data.timestampsMs()));
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    List<TrainingSample> train = windows.samples(tEnc, split[0] - tDec);
    // every third validation window: early stopping needs a trend, not all 2,857 overlapping windows, and a
    // full validation pass would cost a large share of a 15-minute budget on this machine
    List<TrainingSample> validation = every(windows.samples(split[0], split[1] - tDec), 3);
    List<TrainingSample> test = windows.samples(split[1], split[2] - tDec);
    progress.accept("ETT " + csv.getFileName() + ": " + train.size() + " train, " + validation.size()
        + " validation, " + test.size() + " test windows");

    TftModel model = TftModel.create(config,
        FeatureScaler.fit(config, train.stream().map(TrainingSample::window).toList()));
    TrainingResult result = new TftTrainer(model).fit(train, validation, trainBudget, progress);

    int period = 24 * (split[0] / 8640);
    double[] z = new double[rows];
    for (int i = 0; i < rows; i++) {
      z[i] = observed[i][0];
    }
    Map<String, ForecastMetrics> methods = new LinkedHashMap<>();
    methods.put("tft", new ForecastMetrics());
    methods.put("repeat_last", new ForecastMetrics());
    methods.put("seasonal_naive", new ForecastMetrics());
    List<Forecast> forecasts = model.predict(test.stream().map(TrainingSample::window).toList());
    double[] q = config.quantiles();
    for (int w = 0; w < test.size(); w++) {
      int origin = split[1] + w;
      double[] last = Baselines.repeatLast(z, origin, tDec);
      double[] seasonal = Baselines.seasonalNaive(z, origin, tDec, period);
      Forecast f = forecasts.get(w);
      for (int h = 0; h < tDec; h++) {
        double y = orig(z[origin + h], mean[0], std[0]);
        methods.get("tft").add(y, orig(f.value(h, q[0]), mean[0], std[0]),
            orig(f.values()[h][config.medianIndex()], mean[0], std[0]), orig(f.value(h, q[q.length - 1]), mean[0], std[0]), std[0]);
        methods.get("repeat_last").add(y, Double.NaN, orig(last[h], mean[0], std[0]), Double.NaN, std[0]);
        methods.get("seasonal_naive").add(y, Double.NaN, orig(seasonal[h], mean[0], std[0]), Double.NaN, std[0]);
      }
    }
    return new EvaluationReport(csv.getFileName().toString(), test.size(), model.parameterCount(), result,
        methods);
  }

  private static <T> List<T> every(List<T> items, int k) {
    return java.util.stream.IntStream.range(0, items.size()).filter(i -> i % k == 0).mapToObj(items::get).toList();
  }

  private static double orig(double z, double mean, double std) {
    return z * std + mean;
  }
}
