package org.tftflink.model.online.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

class PrequentialTest {
  private static final Path NAB =
      Path.of("/work/shared/data/nab/realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv");
  private static final TftConfig CONFIG =
      TftConfig.builder()
          .hiddenSize(4)
          .attentionHeads(1)
          .hiddenContinuousSize(2)
          .encoderLength(6)
          .horizon(3)
          .observedReals(1)
          .knownReals(2)
          .staticCategoricals(1)
          .hashBuckets(8)
          .build();

  /** Forecasts the last value of the window's history at every step; records every window. */
  static final class LastValue implements ModelOps<Double> {
    final List<TftWindow> seen = new ArrayList<>();

    @Override
    public double[] quantiles() {
      return new double[] {0.1, 0.5, 0.9};
    }

    @Override
    public double[][][] predict(Double spread, List<TftWindow> windows) {
      seen.addAll(windows);
      double[][][] out = new double[windows.size()][CONFIG.horizon()][];
      for (int w = 0; w < out.length; w++) {
        double[] y = windows.get(w).targetHistory();
        double last = y[y.length - 1];
        for (int h = 0; h < out[w].length; h++) {
          out[w][h] = new double[] {last - spread, last, last + spread};
        }
      }
      return out;
    }

    @Override
    public double loss(Double model, List<TrainingSample> samples) {
      return 0;
    }

    @Override
    public Candidate<Double> train(
        Double parent, List<TrainingSample> t, List<TrainingSample> a, UpdateSettings s) {
      return new Candidate<>(parent, 0, 0, t.size(), null);
    }

    @Override
    public byte[] encode(Double model) {
      return new byte[0];
    }

    @Override
    public Double decode(byte[] bytes) {
      return 0.0;
    }
  }

  @Test
  void shouldScoreTheFrozenModelOnExactlyTheBaselinesOriginsWithOnlyPastRowsInItsWindows() {
    EvalSeries s = EvalData.series(NAB, "value", "h", 0.3, 6, List.of(), List.of());
    LastValue ops = new LastValue();
    OnlineEvaluation.Settings settings =
        new OnlineEvaluation.Settings(
            List.of(OnlineEvaluation.FROZEN),
            OnlineConfig.defaults(),
            new AlertRule(3, 4),
            1.2,
            100);

    EvaluationResult<Double> r =
        new OnlineEvaluation<>(CONFIG, ops, null, settings, line -> {}).run(List.of(s), 1.0);

    // a model that repeats the last history value scores exactly as repeat-last does: its windows
    // end one row before their origin, never later
    QuantileScore frozen = r.strategies().get(0).series().get(s.name()).score();
    QuantileScore last = r.baselines().get(OnlineEvaluation.REPEAT_LAST).get(s.name()).score();
    assertThat(frozen.points()).isEqualTo(last.points());
    assertThat(frozen.mae()).isEqualTo(last.mae());
    assertThat(frozen.coverage()).isBetween(0.0, 1.0);
    // every origin from learnFrom to the last full horizon was forecast once, in batches of 100
    int origins = s.lastOrigin(CONFIG.horizon()) - s.learnFrom() + 1;
    assertThat(ops.seen).hasSize(origins);
    assertThat(r.strategies().get(0).forecasts()).isEqualTo(origins);
    assertThat(ops.seen.get(0).staticCategoricals()).containsExactly("h");
  }

  @Test
  void shouldReportTheShareOfSamplesActiveLearningKeptFromTraining() {
    EvalSeries s = EvalData.series(NAB, "value", "h", 0.3, 6, List.of(), List.of());
    OnlineConfig active =
        OnlineConfig.defaults().with("active_learning", "true").with("uncertainty_threshold", "50");

    // a band far wider than 50 times the level: every forecast was uncertain, none is skipped
    Map<String, Object> wide = costsOf(run(s, active, 1e6), "sliding_window");
    assertThat((Long) wide.get("active_learning_seen")).isPositive();
    assertThat(wide.get("active_learning_skipped")).isEqualTo(0L);
    // a band of width 0 whose misses are all far below 50 times the level: every sample is skipped
    Map<String, Object> narrow = costsOf(run(s, active, 0.0), "sliding_window");
    assertThat(narrow.get("active_learning_skipped")).isEqualTo(narrow.get("active_learning_seen"));
    assertThat(narrow.get("active_learning_skipped_share")).isEqualTo(1.0);
    assertThat(narrow.get("updates")).isEqualTo(0L);
    // the frozen model has no learner, hence no counts
    assertThat(costsOf(run(s, active, 0.0), OnlineEvaluation.FROZEN))
        .containsEntry("active_learning_seen", null);
  }

  private static EvaluationResult<Double> run(EvalSeries s, OnlineConfig online, double spread) {
    OnlineEvaluation.Settings settings =
        new OnlineEvaluation.Settings(
            List.of(OnlineEvaluation.FROZEN, "sliding_window"),
            online,
            new AlertRule(3, 4),
            1.2,
            100);
    return new OnlineEvaluation<>(CONFIG, new LastValue(), null, settings, line -> {})
        .run(List.of(s), spread);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> costsOf(EvaluationResult<Double> r, String strategy) {
    Map<String, Object> summary = SummaryJson.of(r, Map.of());
    return (Map<String, Object>) ((Map<String, Object>) summary.get("strategies")).get(strategy);
  }
}
