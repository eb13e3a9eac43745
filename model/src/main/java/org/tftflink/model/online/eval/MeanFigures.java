package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-method means over every series that the targets of issue 8 are stated in: mean P50 and
 * P90 q-risk and coverage, median adaptation over every marker (a marker never adapted to counts as
 * not adapted, apart from the median), mean forgetting, alert counts summed, and each method's mean
 * P50 q-risk relative to the frozen model's.
 */
final class MeanFigures {
  private MeanFigures() {}

  static Map<String, Object> of(EvaluationResult<?> r) {
    Map<String, Map<String, SeriesTrace>> methods = new LinkedHashMap<>();
    for (StrategyTrace<?> t : r.strategies()) {
      methods.put(t.strategy(), t.series());
    }
    methods.putAll(r.baselines());
    Map<String, Object> out = new LinkedHashMap<>();
    Double frozen = null;
    for (Map.Entry<String, Map<String, SeriesTrace>> e : methods.entrySet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      double q50 = mean(e.getValue(), 0.5, false);
      m.put("qrisk50", q50);
      m.put("qrisk90", mean(e.getValue(), 0.9, false));
      m.put("coverage_band", mean(e.getValue(), 0, true));
      if (e.getKey().equals(OnlineEvaluation.FROZEN)) {
        frozen = q50;
      }
      List<Integer> steps = new ArrayList<>();
      int notAdapted = 0;
      double forgetting = 0;
      int forgettingN = 0;
      for (List<DriftFigure> list : r.drift().getOrDefault(e.getKey(), Map.of()).values()) {
        for (DriftFigure d : list) {
          if (d.adaptationSteps() == null) {
            notAdapted++;
          } else {
            steps.add(d.adaptationSteps());
          }
          if (d.forgetting() != null && Double.isFinite(d.forgetting())) {
            forgetting += d.forgetting();
            forgettingN++;
          }
        }
      }
      m.put("median_adaptation_steps", median(steps));
      m.put("markers_adapted", steps.size());
      m.put("markers_not_adapted", notAdapted);
      m.put("mean_forgetting", forgettingN == 0 ? null : forgetting / forgettingN);
      Map<String, AlertScore> alerts = r.alerts().get(e.getKey());
      if (alerts != null) {
        m.put("alerts", alerts.values().stream().mapToInt(AlertScore::alerts).sum());
        m.put(
            "false_positives", alerts.values().stream().mapToInt(AlertScore::falsePositives).sum());
        m.put(
            "windows_detected",
            alerts.values().stream().mapToInt(AlertScore::windowsDetected).sum());
        m.put("windows", alerts.values().stream().mapToInt(AlertScore::windows).sum());
      }
      out.put(e.getKey(), m);
    }
    if (frozen != null) {
      @SuppressWarnings("unchecked")
      Object frozenFp =
          ((Map<String, Object>) out.get(OnlineEvaluation.FROZEN)).get("false_positives");
      for (Object v : out.values()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        m.put("qrisk50_vs_frozen", (Double) m.get("qrisk50") / frozen);
        if (m.get("false_positives") instanceof Integer fp
            && frozenFp instanceof Integer f
            && f > 0) {
          m.put("false_positives_vs_frozen", fp / (double) f);
        }
      }
    }
    return out;
  }

  private static double mean(Map<String, SeriesTrace> traces, double level, boolean coverage) {
    double s = 0;
    int n = 0;
    for (SeriesTrace t : traces.values()) {
      double v = coverage ? t.score().coverage() : t.score().qRisk(level);
      if (Double.isFinite(v)) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  static Double median(List<Integer> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Integer> v = new ArrayList<>(values);
    Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
  }
}
