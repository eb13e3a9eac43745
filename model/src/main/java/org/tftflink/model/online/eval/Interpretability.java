package org.tftflink.model.online.eval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.model.online.Served;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftConfig;

/**
 * Per series, what each strategy's served model looked at before and after the first drift marker
 * (or at the first and last scored origin when the series has none): "before" explains the window
 * at the marker with the model served then, "after" the window one day later with the model served
 * then. The frozen model's pair shows what the new data alone changed; a strategy's "after" beside
 * the frozen "after" (same window) shows what learning changed. An ensemble is explained by its
 * newest member.
 */
final class Interpretability<M> {
  private final Explainer<M> explainer;
  private final TftConfig config;
  private final DriftAnalysis<M> drift;

  Interpretability(Explainer<M> explainer, TftConfig config, DriftAnalysis<M> drift) {
    this.explainer = explainer;
    this.config = config;
    this.drift = drift;
  }

  Map<String, List<Explanation>> explain(List<EvalSeries> series, List<StrategyTrace<M>> runs) {
    Map<String, List<Explanation>> out = new LinkedHashMap<>();
    for (EvalSeries s : series) {
      List<Integer> markers = drift.markerRows(s);
      int last = s.lastOrigin(config.horizon());
      int before = markers.isEmpty() ? s.scoreFrom() : markers.get(0);
      int after = markers.isEmpty() ? last : Math.min(last, before + s.seasonPeriod());
      String when = markers.isEmpty() ? "start of scoring" : "drift at " + time(s, before);
      List<Explanation> list = new ArrayList<>();
      for (StrategyTrace<M> run : runs) {
        list.add(one(run.strategy() + " before (" + when + ")", s, before, run));
        list.add(one(run.strategy() + " after (" + time(s, after) + ")", s, after, run));
      }
      out.put(s.name(), list);
    }
    return out;
  }

  private Explanation one(String label, EvalSeries s, int origin, StrategyTrace<M> run) {
    long ms = s.timestampsMs()[origin];
    Served<M> served = run.servedAt(ms);
    Forecast f =
        explainer.explain(served.models().get(0), List.of(s.window(origin, config))).get(0);
    return Explanation.of(label, ms, served.version(), f, config, s.columns());
  }

  private static String time(EvalSeries s, int row) {
    return Instant.ofEpochMilli(s.timestampsMs()[row])
        .toString()
        .replace("T", " ")
        .replace("Z", "");
  }
}
