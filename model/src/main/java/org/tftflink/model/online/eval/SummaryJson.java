package org.tftflink.model.online.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.model.online.LearnerCounters;
import org.tftflink.model.online.LearningEvent;

/**
 * {@code summary.json}: per series and method the figures of DESIGN section 4, per strategy its
 * learning counts and costs, and means over the series. JSON has no NaN: a figure that does not
 * apply is null.
 */
public final class SummaryJson {
  private SummaryJson() {}

  /**
   * @param run what was run (files, settings, model sizes), written as given under "run"
   */
  public static Map<String, Object> of(EvaluationResult<?> r, Map<String, Object> run) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run", run);
    Map<String, Object> series = new LinkedHashMap<>();
    for (EvalSeries s : r.series()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("rows", s.rows());
      one.put("train_rows", s.trainEnd());
      one.put("first_scored_row", s.scoreFrom());
      one.put("drift_markers_ms", s.driftMarkersMs());
      one.put("labelled_windows", s.labelWindows().size());
      Map<String, Object> methods = new LinkedHashMap<>();
      for (StrategyTrace<?> t : r.strategies()) {
        methods.put(t.strategy(), method(r, t.strategy(), t.series().get(s.name())));
      }
      r.baselines()
          .forEach((name, traces) -> methods.put(name, method(r, name, traces.get(s.name()))));
      one.put("methods", methods);
      series.put(s.name(), one);
    }
    root.put("series", series);
    Map<String, Object> strategies = new LinkedHashMap<>();
    for (StrategyTrace<?> t : r.strategies()) {
      strategies.put(t.strategy(), costs(t));
    }
    root.put("strategies", strategies);
    Map<String, Object> means = MeanFigures.of(r);
    root.put("mean_over_series", means);
    root.put("targets", TargetCheck.of(means));
    return root;
  }

  public static String write(Map<String, Object> summary) {
    try {
      return new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(sanitize(summary))
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("summary.json could not be written: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> method(EvaluationResult<?> r, String name, SeriesTrace t) {
    Map<String, Object> m = new LinkedHashMap<>(t.score().asMap());
    List<Map<String, Object>> drift = new ArrayList<>();
    for (DriftFigure d :
        r.drift().getOrDefault(name, Map.of()).getOrDefault(t.series().name(), List.of())) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("marker_ms", d.markerMs());
      f.put("row", d.row());
      f.put("adaptation_steps", d.adaptationSteps());
      f.put("pre_drift_mae", d.preDriftMae());
      f.put("forgetting", d.forgetting());
      if (d.forgetting() != null) {
        f.put("version_before", d.beforeVersion());
        f.put("version_after", d.afterVersion());
      }
      drift.add(f);
    }
    m.put("drift", drift);
    AlertScore a = r.alerts().getOrDefault(name, Map.of()).get(t.series().name());
    if (a != null) {
      Map<String, Object> al = new LinkedHashMap<>();
      al.put("alerts", a.alerts());
      al.put("false_positives", a.falsePositives());
      al.put("windows_detected", a.windowsDetected());
      al.put("windows", a.windows());
      m.put("band_alerts", al);
    }
    return m;
  }

  static Map<String, Object> costs(StrategyTrace<?> t) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("updates", t.count(LearningEvent.UPDATE_FINISHED));
    c.put("promotions", t.count(LearningEvent.PROMOTED));
    c.put("rejections", t.count(LearningEvent.REJECTED));
    c.put("rollbacks", t.count(LearningEvent.ROLLED_BACK));
    c.put("breaker_openings", t.count(LearningEvent.BREAKER_OPENED));
    c.put("drifts_detected", t.count(LearningEvent.DRIFT_DETECTED));
    c.put("suspect_samples", t.counters() == null ? 0 : t.counters().suspect());
    c.put("poisoned_batches", t.counters() == null ? 0 : t.counters().poisonedBatches());
    c.put("served_changes", t.servedHistory().size() - 1);
    c.put("forecasts", t.forecasts());
    c.put("wall_seconds", t.wallNanos() / 1e9);
    c.put("training_seconds", t.trainNanos() / 1e9);
    c.put("gate_seconds", t.gateNanos() / 1e9);
    c.put("prediction_seconds", t.predictNanos() / 1e9);
    c.put("observe_seconds", t.observeNanos() / 1e9);
    c.put(
        "training_share_of_wall",
        t.wallNanos() == 0 ? 0.0 : t.trainNanos() / (double) t.wallNanos());
    c.put("sample_epochs_trained", t.samplesTrained());
    c.put(
        "samples_trained_per_second",
        t.trainNanos() == 0 ? null : t.samplesTrained() / (t.trainNanos() / 1e9));
    // active learning's filter: trainable samples it saw and the share it kept from training
    LearnerCounters n = t.counters();
    c.put("active_learning_seen", n == null ? null : n.activeSeen());
    c.put("active_learning_skipped", n == null ? null : n.activeSkipped());
    c.put("active_learning_skipped_share", n == null ? null : n.skippedShare());
    return c;
  }

  /** Non-finite doubles become null, recursively (Jackson would write the NaN token). */
  static Object sanitize(Object o) {
    if (o instanceof Double d) {
      return Double.isFinite(d) ? d : null;
    }
    if (o instanceof double[] a) {
      return Arrays.stream(a).boxed().map(SummaryJson::sanitize).toList();
    }
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, sanitize(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      return l.stream().map(SummaryJson::sanitize).toList();
    }
    return o;
  }
}
