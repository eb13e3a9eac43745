package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.eval.Baselines;

/**
 * The prequential evaluation of DESIGN section 4: every strategy (and the frozen model) from the
 * same initial model over the same series, the naive baselines on the same origins, then
 * adaptation, forgetting, band alerts and the interpretability summaries.
 */
public final class OnlineEvaluation<M> {
  public static final String FROZEN = "frozen";
  public static final String REPEAT_LAST = "repeat_last";
  public static final String SEASONAL_NAIVE = "seasonal_naive";

  /**
   * How to evaluate.
   *
   * @param strategies "frozen" and/or the learner's strategies ({@code periodic}, ...)
   * @param online the learner's configuration (its strategy is replaced per run)
   * @param alertRule the forecast-band alert rule
   * @param adaptationFactor 1.2 in DESIGN section 4
   * @param batch windows per prediction batch
   */
  public record Settings(
      List<String> strategies,
      OnlineConfig online,
      AlertRule alertRule,
      double adaptationFactor,
      int batch) {}

  private final TftConfig config;
  private final ModelOps<M> ops;
  private final Explainer<M> explainer;
  private final Settings settings;
  private final Consumer<String> progress;

  /**
   * @param explainer gives attention and selection weights; null leaves the explanations out
   */
  public OnlineEvaluation(
      TftConfig config,
      ModelOps<M> ops,
      Explainer<M> explainer,
      Settings settings,
      Consumer<String> progress) {
    this.config = config;
    this.ops = ops;
    this.explainer = explainer;
    this.settings = settings;
    this.progress = progress;
  }

  public EvaluationResult<M> run(List<EvalSeries> series, M initial) {
    Prequential<M> prequential = new Prequential<>(series, config, ops, settings.batch(), progress);
    List<StrategyTrace<M>> runs = new ArrayList<>();
    for (String strategy : settings.strategies()) {
      OnlineConfig online =
          strategy.equals(FROZEN) ? null : settings.online().with("strategy", strategy);
      progress.accept("running " + strategy + " over " + series.size() + " series");
      StrategyTrace<M> t = prequential.run(strategy, online, initial);
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "%s done in %.1f s (%.1f s training, %d learning events)",
              strategy,
              t.wallNanos() / 1e9,
              t.trainNanos() / 1e9,
              t.events().size()));
      runs.add(t);
    }
    Map<String, Map<String, SeriesTrace>> baselines = baselines(series);
    int season = series.get(0).seasonPeriod();
    DriftAnalysis<M> drift =
        new DriftAnalysis<>(ops, config, config.horizon(), season, settings.adaptationFactor());
    Map<String, Map<String, List<DriftFigure>>> driftFigures = new LinkedHashMap<>();
    Map<String, Map<String, AlertScore>> alerts = new LinkedHashMap<>();
    Map<String, Map<String, List<Integer>>> alertRows = new LinkedHashMap<>();
    for (StrategyTrace<M> t : runs) {
      driftFigures.put(t.strategy(), analyse(drift, t.series(), t));
      alertRows.put(t.strategy(), new LinkedHashMap<>());
      alerts.put(t.strategy(), new LinkedHashMap<>());
      for (SeriesTrace st : t.series().values()) {
        List<Integer> rows = settings.alertRule().alerts(scoredOutside(st));
        alertRows.get(t.strategy()).put(st.series().name(), rows);
        alerts.get(t.strategy()).put(st.series().name(), score(st.series(), rows));
      }
    }
    baselines.forEach((name, traces) -> driftFigures.put(name, analyse(drift, traces, null)));
    Map<String, List<Explanation>> explanations =
        explainer == null
            ? Map.of()
            : new Interpretability<>(explainer, config, drift).explain(series, runs);
    return new EvaluationResult<>(
        series, baselines, runs, driftFigures, alerts, alertRows, explanations, ops.quantiles());
  }

  private Map<String, List<DriftFigure>> analyse(
      DriftAnalysis<M> drift, Map<String, SeriesTrace> traces, StrategyTrace<M> strategy) {
    Map<String, List<DriftFigure>> out = new LinkedHashMap<>();
    traces.forEach((name, trace) -> out.put(name, drift.analyse(trace, strategy)));
    return out;
  }

  /** Outside-band flags on scored rows only (the learning warm-up of ETT raises no alerts). */
  private static boolean[] scoredOutside(SeriesTrace t) {
    boolean[] out = t.outsideBand();
    for (int r = 0; r < Math.min(out.length, t.series().scoreFrom()); r++) {
      out[r] = false;
    }
    return out;
  }

  /** Alerts against the labelled windows that overlap the scored rows. */
  private static AlertScore score(EvalSeries s, List<Integer> rows) {
    long from = s.timestampsMs()[s.scoreFrom()];
    long to = s.timestampsMs()[s.rows() - 1];
    List<long[]> windows =
        s.labelWindows().stream().filter(w -> w[1] >= from && w[0] <= to).toList();
    return AlertScore.of(rows.stream().map(r -> s.timestampsMs()[r]).toList(), windows);
  }

  /** Repeat-last and seasonal naive (one day) on every scored origin. */
  private Map<String, Map<String, SeriesTrace>> baselines(List<EvalSeries> series) {
    Map<String, Map<String, SeriesTrace>> out = new LinkedHashMap<>();
    out.put(REPEAT_LAST, new LinkedHashMap<>());
    out.put(SEASONAL_NAIVE, new LinkedHashMap<>());
    int horizon = config.horizon();
    int levels = ops.quantiles().length;
    for (EvalSeries s : series) {
      SeriesTrace last = new SeriesTrace(s, ops.quantiles());
      SeriesTrace seasonal = new SeriesTrace(s, ops.quantiles());
      double[] y = new double[s.rows()];
      for (int r = 0; r < y.length; r++) {
        y[r] = s.target(r);
      }
      for (int o = s.scoreFrom(); o <= s.lastOrigin(horizon); o++) {
        last.score(o, point(Baselines.repeatLast(y, o, horizon), levels), true);
        seasonal.score(
            o, point(Baselines.seasonalNaive(y, o, horizon, s.seasonPeriod()), levels), true);
      }
      out.get(REPEAT_LAST).put(s.name(), last);
      out.get(SEASONAL_NAIVE).put(s.name(), seasonal);
    }
    return out;
  }

  private static double[][] point(double[] f, int levels) {
    double[][] out = new double[f.length][levels];
    for (int h = 0; h < f.length; h++) {
      java.util.Arrays.fill(out[h], f[h]);
    }
    return out;
  }
}
