package org.tftflink.model.online.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issue 8's NAB targets read off the means over the series: the best online strategy (lowest mean
 * P50 q-risk) against the frozen TFT (at most 0.85 of its q-risk) and both naive baselines, its
 * median adaptation (at most 12 steps), coverage (75-85%), forgetting (within 10%) and false
 * positives (at least 30% fewer than frozen at equal or better detection). Each figure comes with
 * whether it is met; a figure that could not be measured is null.
 */
final class TargetCheck {
  private TargetCheck() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> of(Map<String, Object> means) {
    Map<String, Object> out = new LinkedHashMap<>();
    String best = null;
    double bestQ = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, Object> e : means.entrySet()) {
      String name = e.getKey();
      if (name.equals(OnlineEvaluation.FROZEN)
          || name.equals(OnlineEvaluation.REPEAT_LAST)
          || name.equals(OnlineEvaluation.SEASONAL_NAIVE)) {
        continue;
      }
      double q = number(((Map<String, Object>) e.getValue()).get("qrisk50"));
      if (q < bestQ) {
        bestQ = q;
        best = name;
      }
    }
    Map<String, Object> frozen = (Map<String, Object>) means.get(OnlineEvaluation.FROZEN);
    if (best == null || frozen == null) {
      return out;
    }
    Map<String, Object> b = (Map<String, Object>) means.get(best);
    out.put("best_online_strategy", best);
    double ratio = bestQ / number(frozen.get("qrisk50"));
    put(out, "qrisk50_vs_frozen", ratio, ratio <= 0.85);
    double last =
        number(((Map<String, Object>) means.get(OnlineEvaluation.REPEAT_LAST)).get("qrisk50"));
    double seasonal =
        number(((Map<String, Object>) means.get(OnlineEvaluation.SEASONAL_NAIVE)).get("qrisk50"));
    out.put("below_both_baselines", bestQ < last && bestQ < seasonal);
    Object adapt = b.get("median_adaptation_steps");
    put(out, "median_adaptation_steps", adapt, adapt == null ? null : number(adapt) <= 12);
    double cov = number(b.get("coverage_band"));
    put(out, "coverage_band", cov, cov >= 0.75 && cov <= 0.85);
    Object forget = b.get("mean_forgetting");
    put(out, "mean_forgetting", forget, forget == null ? null : Math.abs(number(forget)) <= 0.10);
    Object fp = b.get("false_positives_vs_frozen");
    Object detected = b.get("windows_detected");
    Object frozenDetected = frozen.get("windows_detected");
    Boolean fpMet =
        fp == null || detected == null || frozenDetected == null
            ? null
            : number(fp) <= 0.7 && number(detected) >= number(frozenDetected);
    put(out, "false_positives_vs_frozen", fp, fpMet);
    return out;
  }

  private static void put(Map<String, Object> out, String key, Object value, Boolean met) {
    out.put(key, value);
    out.put(key + "_met", met);
  }

  private static double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
