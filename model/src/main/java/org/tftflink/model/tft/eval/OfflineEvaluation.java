package org.tftflink.model.tft.eval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.OptimizerState;
import org.tftflink.model.tft.train.TftTrainer;
import org.tftflink.model.tft.train.TrainingResult;

/**
 * The two halves of every offline protocol: train a TFT on the training windows of one or more
 * {@link OfflineSplit}s (early stopping on their validation windows), and score a model with the
 * naive baselines on one split's test windows.
 */
public final class OfflineEvaluation {
  public static final String TFT = "tft";
  public static final String REPEAT_LAST = "repeat_last";
  public static final String SEASONAL_NAIVE = "seasonal_naive";

  private OfflineEvaluation() {}

  /**
   * A freshly trained model (holding its best epoch's weights), its training run, and the Adam
   * moments it ended with, which online updates continue from.
   */
  public record Trained(TftModel model, TrainingResult training, OptimizerState optimizer) {}

  /**
   * Fits the feature scaler on the training windows of every split, then trains with the config's
   * settings.
   */
  public static Trained train(
      List<OfflineSplit> splits, TftConfig config, Duration budget, Consumer<String> progress) {
    List<TrainingSample> train = new ArrayList<>();
    List<TrainingSample> validation = new ArrayList<>();
    for (OfflineSplit s : splits) {
      train.addAll(s.train());
      validation.addAll(s.validation());
    }
    if (train.isEmpty()) {
      throw new IllegalArgumentException(
          "no training windows: the training rows are shorter than encoder ("
              + config.encoderLength()
              + ") + horizon ("
              + config.horizon()
              + ")");
    }
    TftModel model =
        TftModel.create(
            config, FeatureScaler.fit(config, train.stream().map(TrainingSample::window).toList()));
    TftTrainer trainer = new TftTrainer(model);
    TrainingResult result = trainer.fit(train, validation, budget, progress);
    return new Trained(model, result, trainer.optimizerState());
  }

  /**
   * Scores the model's quantiles and the repeat-last and seasonal-naive baselines on every test
   * window and horizon step of the split; horizon points without an actual are left out.
   *
   * @param training the run that produced the model, or {@code null} for a model loaded from an
   *     envelope
   */
  public static EvaluationReport evaluate(
      OfflineSplit split, TftModel model, TrainingResult training) {
    TftConfig config = model.config();
    int tDec = config.horizon();
    double[] q = config.quantiles();
    double[] z = split.target();
    Map<String, ForecastMetrics> methods = new LinkedHashMap<>();
    methods.put(TFT, new ForecastMetrics());
    methods.put(REPEAT_LAST, new ForecastMetrics());
    methods.put(SEASONAL_NAIVE, new ForecastMetrics());
    List<Forecast> forecasts =
        model.predict(split.test().stream().map(TrainingSample::window).toList());
    double scale = split.metricScale();
    for (int w = 0; w < forecasts.size(); w++) {
      int origin = split.firstTestOrigin() + w;
      double[] last = Baselines.repeatLast(z, origin, tDec);
      double[] seasonal = Baselines.seasonalNaive(z, origin, tDec, split.seasonPeriod());
      Forecast f = forecasts.get(w);
      for (int h = 0; h < tDec; h++) {
        double y = split.toOriginal(z[origin + h]);
        if (Double.isNaN(y)) {
          continue;
        }
        methods
            .get(TFT)
            .add(
                y,
                split.toOriginal(f.value(h, q[0])),
                split.toOriginal(f.values()[h][config.medianIndex()]),
                split.toOriginal(f.value(h, q[q.length - 1])),
                scale);
        methods.get(REPEAT_LAST).add(y, Double.NaN, split.toOriginal(last[h]), Double.NaN, scale);
        methods
            .get(SEASONAL_NAIVE)
            .add(y, Double.NaN, split.toOriginal(seasonal[h]), Double.NaN, scale);
      }
    }
    return new EvaluationReport(
        split.dataset(), split.test().size(), model.parameterCount(), training, methods);
  }

  /** Train on the split, then evaluate on its test windows: the one-call form of both protocols. */
  static EvaluationReport trainAndEvaluate(
      OfflineSplit split, TftConfig config, Duration budget, Consumer<String> progress) {
    progress.accept(split.describe());
    Trained t = train(List.of(split), config, budget, progress);
    return evaluate(split, t.model(), t.training());
  }
}
