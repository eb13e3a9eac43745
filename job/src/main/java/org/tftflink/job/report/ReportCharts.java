package org.tftflink.job.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.eval.EvalSeries;
import org.tftflink.model.online.eval.Explanation;
import org.tftflink.model.online.eval.SeriesTrace;
import org.tftflink.model.online.eval.StrategyTrace;

/** The report's PNG plots, drawn with XChart. */
final class ReportCharts {
  private static final int WIDTH = 1400;
  private static final int HEIGHT = 480;
  private static final Color DRIFT = new Color(200, 0, 0);

  private ReportCharts() {}

  /**
   * Actuals against one method's freshest P10/P50/P90 forecast over the scored rows, with the drift
   * markers and the strategy's promotions, rejections and rollbacks as points along the top.
   */
  static void band(EvalSeries s, SeriesTrace t, StrategyTrace<?> run, Path png) throws IOException {
    XYChart c = xy(s.name() + " - " + run.strategy() + ": actuals and the P10-P90 band", "value");
    List<Date> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<Double> lo = new ArrayList<>();
    List<Double> mid = new ArrayList<>();
    List<Double> hi = new ArrayList<>();
    double top = Double.NEGATIVE_INFINITY;
    double bottom = Double.POSITIVE_INFINITY;
    for (int r = s.scoreFrom(); r < s.rows(); r++) {
      double[] q = t.firstStep()[r];
      if (q == null) {
        continue;
      }
      double v = s.toOriginal(s.target(r));
      x.add(new Date(s.timestampsMs()[r]));
      y.add(v);
      lo.add(q[0]);
      mid.add(q[q.length / 2]);
      hi.add(q[q.length - 1]);
      for (double d : new double[] {v, q[0], q[q.length - 1]}) {
        if (Double.isFinite(d)) {
          top = Math.max(top, d);
          bottom = Math.min(bottom, d);
        }
      }
    }
    if (x.isEmpty()) {
      return;
    }
    line(c, "P10", x, lo, new Color(120, 160, 230), 1f);
    line(c, "P90", x, hi, new Color(120, 160, 230), 1f);
    line(c, "P50", x, mid, new Color(30, 80, 200), 1f);
    line(c, "actual", x, y, Color.BLACK, 1.2f);
    double span = top - bottom;
    int k = 0;
    for (long ms : s.driftMarkersMs()) {
      // a vertical line per marker: the legend names the first only once
      List<Date> vx = List.of(new Date(ms), new Date(ms));
      line(
          c,
          k++ == 0 ? "drift marker" : "drift marker " + k,
          vx,
          List.of(bottom, top),
          DRIFT,
          1.5f);
    }
    for (String type :
        List.of(LearningEvent.PROMOTED, LearningEvent.REJECTED, LearningEvent.ROLLED_BACK)) {
      List<Long> times = new ArrayList<>();
      for (StrategyTrace.TimedEvent e : run.events()) {
        if (e.event().type().equals(type) && e.series().equals(s.name())) {
          times.add(s.timestampsMs()[e.row()]);
        }
      }
      Color color =
          switch (type) {
            case LearningEvent.PROMOTED -> new Color(0, 150, 0);
            case LearningEvent.REJECTED -> new Color(230, 140, 0);
            default -> new Color(150, 0, 150);
          };
      markers(c, type, times, top + 0.06 * span, color);
    }
    save(c, png);
  }

  /** A day's rolling mean of each origin's horizon MAE, per method. */
  static void rollingError(EvalSeries s, Map<String, SeriesTrace> methods, Path png)
      throws IOException {
    XYChart c = xy(s.name() + ": rolling MAE of P50 (one-day window of origins)", "MAE");
    int w = Math.max(1, s.seasonPeriod());
    for (Map.Entry<String, SeriesTrace> m : methods.entrySet()) {
      double[] e = m.getValue().originErrors();
      List<Date> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      double sum = 0;
      int n = 0;
      for (int r = s.scoreFrom(); r < e.length; r++) {
        if (!Double.isNaN(e[r])) {
          sum += e[r];
          n++;
        }
        int drop = r - w;
        if (drop >= s.scoreFrom() && !Double.isNaN(e[drop])) {
          sum -= e[drop];
          n--;
        }
        if (n > 0 && !Double.isNaN(e[r])) {
          x.add(new Date(s.timestampsMs()[r]));
          y.add(sum / n);
        }
      }
      if (!x.isEmpty()) {
        line(c, m.getKey(), x, y, null, 1.3f);
      }
    }
    save(c, png);
  }

  /** Mean encoder variable-selection weight per variable, one bar group per explanation. */
  static void selection(String title, List<Explanation> explanations, Path png) throws IOException {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("encoder variable")
            .yAxisTitle("mean selection weight")
            .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    for (Explanation e : explanations) {
      List<Double> w = new ArrayList<>();
      for (double v : e.encoderWeights()) {
        w.add(v);
      }
      c.addSeries(e.label() + " v" + e.version(), List.of(e.variables()), w);
    }
    save(c, png);
  }

  /** Mean attention over the history positions (oldest at the left), one line per explanation. */
  static void attention(String title, List<Explanation> explanations, Path png) throws IOException {
    XYChartBuilder b =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("history step (0 = the last before the origin)")
            .yAxisTitle("mean attention");
    XYChart c = b.build();
    style(c);
    for (Explanation e : explanations) {
      double[] a = e.attention();
      double[] x = new double[a.length];
      for (int t = 0; t < a.length; t++) {
        x[t] = t - (a.length - 1);
      }
      XYSeries s = c.addSeries(e.label() + " v" + e.version(), x, a);
      s.setMarker(SeriesMarkers.NONE);
    }
    save(c, png);
  }

  private static XYChart xy(String title, String yTitle) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("event time (UTC)")
            .yAxisTitle(yTitle)
            .build();
    style(c);
    c.getStyler().setDatePattern("yyyy-MM-dd HH:mm");
    return c;
  }

  private static void style(XYChart c) {
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    c.getStyler().setMarkerSize(6);
  }

  private static void line(
      XYChart c, String name, List<Date> x, List<Double> y, Color color, float width) {
    XYSeries s = c.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineStyle(new BasicStroke(width));
    if (color != null) {
      s.setLineColor(color);
    }
  }

  private static void markers(XYChart c, String name, List<Long> times, double level, Color color) {
    if (times.isEmpty()) {
      return;
    }
    List<Date> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (long t : times) {
      x.add(new Date(t));
      y.add(level);
    }
    XYSeries s = c.addSeries(name + " (" + times.size() + ")", x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.DIAMOND);
    s.setMarkerColor(color);
  }

  private static void save(Chart<?, ?> c, Path png) throws IOException {
    BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
