package org.tftflink.job.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tftflink.model.online.eval.EvalSeries;
import org.tftflink.model.online.eval.EvaluationResult;
import org.tftflink.model.online.eval.Explanation;
import org.tftflink.model.online.eval.SeriesTrace;
import org.tftflink.model.online.eval.StrategyTrace;

/**
 * {@code report.html} of {@code ./tft evaluate}: the figures as tables and the PNG plots beside it
 * in the same folder, referenced by relative names, so the folder reads offline.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /**
   * Writes the plots and report.html into {@code dir}.
   *
   * @param summary the map written as summary.json (its tables are read from it)
   * @return the names of the PNG files written
   */
  public static List<String> write(
      Path dir, EvaluationResult<?> r, Map<String, Object> summary, String ruleText)
      throws IOException {
    Files.createDirectories(dir);
    List<String> pngs = new ArrayList<>();
    Html h = new Html();
    h.open("tft evaluate: prequential evaluation");
    h.h(1, "Prequential evaluation");
    h.p(
        "Every forecast is scored when its horizon has matured and only then given to the learner"
            + " (test, then train). Every strategy starts from the same frozen TFT; the baselines"
            + " forecast the same origins. Units: q-risk is 2&middot;&Sigma;pinball/&Sigma;|y| in"
            + " original units; MAE and RMSE of P50 in original units; MSE/MAE (scaled) on the"
            + " training rows' z-scale; coverage is the share of actuals inside P10&ndash;P90.");
    h.p(esc(ruleText));
    h.h(2, "Run");
    h.kv(asMap(summary.get("run")));
    h.h(2, "Means over the series");
    h.table(asMap(summary.get("mean_over_series")));
    if (!asMap(summary.get("targets")).isEmpty()) {
      h.h(2, "Issue 8 targets, best online strategy");
      h.kv(asMap(summary.get("targets")));
    }
    h.h(2, "Learning per strategy");
    h.table(asMap(summary.get("strategies")));
    Map<String, Object> series = asMap(summary.get("series"));
    for (EvalSeries s : r.series()) {
      String id = slug(s.name());
      h.h(2, "Series " + esc(s.name()));
      Map<String, Object> one = asMap(series.get(s.name()));
      h.p(
          one.get("rows")
              + " rows, the first "
              + one.get("train_rows")
              + " train the frozen model, scoring from row "
              + one.get("first_scored_row")
              + "; drift markers: "
              + esc(times(s.driftMarkersMs()))
              + "; labelled windows: "
              + one.get("labelled_windows"));
      h.table(flatten(asMap(one.get("methods"))));
      for (StrategyTrace<?> t : r.strategies()) {
        String png = "band-" + id + "-" + t.strategy() + ".png";
        ReportCharts.band(s, t.series().get(s.name()), t, dir.resolve(png));
        pngs.add(png);
        h.img(png, s.name() + " " + t.strategy() + " band");
      }
      Map<String, SeriesTrace> methods = new LinkedHashMap<>();
      r.strategies().forEach(t -> methods.put(t.strategy(), t.series().get(s.name())));
      r.baselines().forEach((name, traces) -> methods.put(name, traces.get(s.name())));
      String rolling = "rolling-" + id + ".png";
      ReportCharts.rollingError(s, methods, dir.resolve(rolling));
      pngs.add(rolling);
      h.img(rolling, s.name() + " rolling error");
      List<Explanation> ex = r.explanations().get(s.name());
      if (ex != null && !ex.isEmpty()) {
        h.h(3, "Interpretability: what the model looks at, before and after");
        h.p(
            "Encoder variable-selection weights and attention over the history, averaged over"
                + " the window and the horizon. \"before\" is the model served at the drift marker"
                + " on the window there; \"after\" the model served one day later on that later"
                + " window (the frozen pair shows what the data alone changed).");
        String sel = "selection-" + id + ".png";
        ReportCharts.selection(s.name() + ": variable selection", ex, dir.resolve(sel));
        String att = "attention-" + id + ".png";
        ReportCharts.attention(s.name() + ": attention over the history", ex, dir.resolve(att));
        pngs.add(sel);
        pngs.add(att);
        h.img(sel, s.name() + " variable selection");
        h.img(att, s.name() + " attention");
      }
    }
    h.close();
    Files.writeString(dir.resolve("report.html"), h.toString());
    return pngs;
  }

  /** Rows = methods, columns = their scalar figures, nested maps flattened with dots. */
  private static Map<String, Object> flatten(Map<String, Object> methods) {
    Map<String, Object> out = new LinkedHashMap<>();
    methods.forEach(
        (name, v) -> {
          Map<String, Object> flat = new LinkedHashMap<>();
          asMap(v)
              .forEach(
                  (k, f) -> {
                    if (f instanceof Map<?, ?> m) {
                      m.forEach((k2, f2) -> flat.put(k + "." + k2, f2));
                    } else if (f instanceof List<?> l && k.equals("drift")) {
                      flat.put("adaptation_steps", pick(l, "adaptation_steps"));
                      flat.put("forgetting", pick(l, "forgetting"));
                    } else {
                      flat.put(k, f);
                    }
                  });
          out.put(name, flat);
        });
    return out;
  }

  private static String pick(List<?> list, String key) {
    List<String> v = new ArrayList<>();
    for (Object o : list) {
      Object f = asMap(o).get(key);
      v.add(f == null ? "-" : Html.format(f));
    }
    return String.join(" ", v);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String times(List<Long> ms) {
    List<String> t = new ArrayList<>();
    for (long m : ms) {
      t.add(Instant.ofEpochMilli(m).toString().replace("T", " ").replace("Z", ""));
    }
    return t.isEmpty() ? "none" : String.join(", ", t);
  }

  static String slug(String name) {
    return name.replaceAll("\\.csv$", "")
        .replaceAll("[^A-Za-z0-9_-]+", "_")
        .toLowerCase(Locale.ROOT);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
