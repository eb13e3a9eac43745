package org.tftflink.job.cli;

import java.util.Locale;
import java.util.Map;

/** The stdout table of {@code ./tft evaluate}: per method the means over the series. */
final class EvaluateTable {
  private EvaluateTable() {}

  @SuppressWarnings("unchecked")
  static String of(Map<String, Object> summary) {
    Map<String, Object> means = (Map<String, Object>) summary.get("mean_over_series");
    Map<String, Object> strategies = (Map<String, Object>) summary.get("strategies");
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-16s %9s %9s %9s %9s %9s %9s %8s %8s %7s %7s%n",
            "method",
            "P50 qrisk",
            "vs frozen",
            "P90 qrisk",
            "coverage",
            "med.adapt",
            "forget",
            "alerts",
            "FP",
            "updates",
            "train%"));
    means.forEach(
        (name, v) -> {
          Map<String, Object> m = (Map<String, Object>) v;
          Map<String, Object> c = (Map<String, Object>) strategies.getOrDefault(name, Map.of());
          Object share = c.get("training_share_of_wall");
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%-16s %9s %9s %9s %9s %9s %9s %8s %8s %7s %7s%n",
                  name,
                  f(m.get("qrisk50")),
                  f(m.get("qrisk50_vs_frozen")),
                  f(m.get("qrisk90")),
                  f(m.get("coverage_band")),
                  f(m.get("median_adaptation_steps")),
                  f(m.get("mean_forgetting")),
                  f(m.get("alerts")),
                  f(m.get("false_positives")),
                  f(c.get("updates")),
                  share == null ? "-" : f(100 * ((Number) share).doubleValue())));
        });
    return sb.toString().stripTrailing();
  }

  private static String f(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "-";
    }
    return String.valueOf(v);
  }
}
