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
 * The {@code half} split for single-series CSVs such as NAB's ({@code timestamp,value}): windows whose horizon ends
 * in the first half train (the last fifth of them also serve for early stopping), forecasts from the second half
 * are tested. Rows are taken as a regular grid, as they come. MSE/MAE are on the training half's z-scale.
 */
public final class HalfSplitEvaluation {
  private HalfSplitEvaluation() {}

  /**
   * @param config must have observedReals 1 and knownReals 2 (hour, day of week)
   * @param seasonPeriod rows per day for the seasonal-naive baseline (288 for 5-minute data)
   */
  public static EvaluationReport run(Path csv, TftConfig config, int seasonPeriod, Duration trainBudget,
      Consumer<String> progress) {
    if (config.observedReals() != 1 || config.knownReals() != 2) {
      throw new IllegalArgumentException("the half split needs observedReals=1 and knownReals=2");
    }
    CsvSeries data = CsvSeries.load(csv);
    int rows = data.rows();
    int half = rows / 2;
    double[] y = data.columnValues(0);
    double[][] observed = new double[rows][1];
    double s = 0;
    double ss = 0;
    for (int i = 0; i < rows; i++) {
      observed[i][0] = y[i];
      if (i < half) {
        s += y[i];
        ss += y[i] * y[i];
      }
    }
    double mean = s / half;
    double std = Math.sqrt(Math.max(ss / half - mean * mean, 1e-12));
    SeriesWindows windows = new SeriesWindows(config, observed, SeriesWindows.calendar(data.timestampsMs()));
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int firstTest = Math.max(half, seasonPeriod);
    List<TrainingSample> all = windows.samples(tEnc, half - tDec);
    int cut = (int) (all.size() * 0.8);
    List<TrainingSample> train = all.subList(0, cut);
    List<TrainingSample> validation = all.subList(cut, all.size());
    List<TrainingSample> test = windows.samples(firstTest, rows - tDec);
    progress.accept("half split " + csv.getFileName() + ": " + train.size() + " train, " + validation.size()
        + " validation, " + test.size() + " test windows");

    TftModel model = TftModel.create(config,
        FeatureScaler.fit(config, train.stream().map(TrainingSample::window).toList()));
    TrainingResult result = new TftTrainer(model).fit(train, validation, trainBudget, progress);

    Map<String, ForecastMetrics> methods = new LinkedHashMap<>();
    methods.put("tft", new ForecastMetrics());
    methods.put("repeat_last", new ForecastMetrics());
    methods.put("seasonal_naive", new ForecastMetrics());
    List<Forecast> forecasts = model.predict(test.stream().map(TrainingSample::window).toList());
    double[] q = config.quantiles();
    for (int w = 0; w < test.size(); w++) {
      int origin = firstTest + w;
      double[] last = Baselines.repeatLast(y, origin, tDec);
      double[] seasonal = Baselines.seasonalNaive(y, origin, tDec, seasonPeriod);
      Forecast f = forecasts.get(w);
      for (int h = 0; h < tDec; h++) {
        double actual = y[origin + h];
        methods.get("tft").add(actual, f.value(h, q[0]), f.values()[h][config.medianIndex()], f.value(h, q[q.length - 1]), std);
        methods.get("repeat_last").add(actual, Double.NaN, last[h], Double.NaN, std);
        methods.get("seasonal_naive").add(actual, Double.NaN, seasonal[h], Double.NaN, std);
      }
    }
    return new EvaluationReport(csv.getFileName().toString(), test.size(), model.parameterCount(), result,
        methods);
  }
}
