package org.tftflink.model.online.eval;

import java.util.List;
import java.util.Map;

/**
 * Everything one {@code ./tft evaluate} run measured, for the summary and the report.
 *
 * @param series the evaluated series, in input order
 * @param baselines per baseline name, its trace per series name
 * @param strategies the strategies' runs (frozen first when asked for), in the order asked
 * @param drift per method (baselines and strategies), per series name, the figures per marker
 * @param alerts per method, per series name, the alert score against the labelled windows
 * @param alertRows per method, per series name, the rows at which alerts were raised
 * @param explanations per series name, the interpretability summaries
 * @param levels the quantile levels
 */
public record EvaluationResult<M>(
    List<EvalSeries> series,
    Map<String, Map<String, SeriesTrace>> baselines,
    List<StrategyTrace<M>> strategies,
    Map<String, Map<String, List<DriftFigure>>> drift,
    Map<String, Map<String, AlertScore>> alerts,
    Map<String, Map<String, List<Integer>>> alertRows,
    Map<String, List<Explanation>> explanations,
    double[] levels) {}
