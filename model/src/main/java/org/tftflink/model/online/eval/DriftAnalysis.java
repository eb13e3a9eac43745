package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * Adaptation time and forgetting around each drift marker of a series. Forgetting compares, on up
 * to {@value #HOLDOUT_WINDOWS} windows of the pre-drift regime (horizons ending before the marker),
 * the mean pinball loss of the model served once the method adapted (or at the end of the
 * post-drift segment when it never did) with that of the model served at the marker. Those windows
 * were seen by the learners (prequential learning trains on everything that matured): the figure
 * measures what updating on the new regime cost on the old one.
 */
public final class DriftAnalysis<M> {
  static final int HOLDOUT_WINDOWS = 64;
  private final ModelOps<M> ops;
  private final TftConfig config;
  private final int window;
  private final int preWindow;
  private final double factor;

  /**
   * @param window the rolling-MAE window in steps (the horizon by default)
   * @param preWindow steps before the marker that set the pre-drift level (one day by default)
   * @param factor 1.2: back within 1.2 times the pre-drift level
   */
  public DriftAnalysis(
      ModelOps<M> ops, TftConfig config, int window, int preWindow, double factor) {
    this.ops = ops;
    this.config = config;
    this.window = window;
    this.preWindow = preWindow;
    this.factor = factor;
  }

  /** The marker rows of a series that have a scored pre-drift window and a post-drift window. */
  public List<Integer> markerRows(EvalSeries s) {
    List<Integer> rows = new ArrayList<>();
    for (long ms : s.driftMarkersMs()) {
      int row = s.rowAt(ms);
      if (row - preWindow >= s.scoreFrom() && row + window <= s.lastOrigin(config.horizon())) {
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * @param strategy the strategy's run, or null for a baseline (no forgetting)
   */
  public List<DriftFigure> analyse(SeriesTrace trace, StrategyTrace<M> strategy) {
    EvalSeries s = trace.series();
    List<Integer> markers = markerRows(s);
    List<DriftFigure> out = new ArrayList<>();
    for (int m = 0; m < markers.size(); m++) {
      int row = markers.get(m);
      int segmentEnd = m + 1 < markers.size() ? markers.get(m + 1) : s.lastOrigin(config.horizon());
      OptionalInt k = AdaptationTime.steps(trace.originErrors(), row, window, preWindow, factor);
      double pre = AdaptationTime.preDriftLevel(trace.originErrors(), row, preWindow);
      Double forgetting = null;
      long before = 0;
      long after = 0;
      if (strategy != null) {
        int afterRow =
            k.isPresent() ? Math.min(row + k.getAsInt() + window, segmentEnd) : segmentEnd;
        Served<M> b = strategy.servedAt(s.timestampsMs()[row]);
        Served<M> a = strategy.servedAt(s.timestampsMs()[afterRow]);
        before = b.version();
        after = a.version();
        if (b == a) {
          forgetting = 0.0;
        } else {
          List<TrainingSample> holdout = preDriftSamples(s, row);
          forgetting = holdout.isEmpty() ? null : loss(a, holdout) / loss(b, holdout) - 1;
        }
      }
      out.add(
          new DriftFigure(
              s.timestampsMs()[row],
              row,
              k.isPresent() ? k.getAsInt() : null,
              pre,
              forgetting,
              before,
              after));
    }
    return out;
  }

  private List<TrainingSample> preDriftSamples(EvalSeries s, int row) {
    int first = Math.max(config.encoderLength(), row - preWindow - config.horizon() + 1);
    int last = row - config.horizon();
    List<TrainingSample> out = new ArrayList<>();
    if (last < first) {
      return out;
    }
    int n = last - first + 1;
    int stride = Math.max(1, (int) Math.ceil(n / (double) HOLDOUT_WINDOWS));
    for (int o = first; o <= last; o += stride) {
      out.add(s.sample(o, config));
    }
    return out;
  }

  /** Mean pinball loss (model units) of what was served, an ensemble averaged by its weights. */
  double loss(Served<M> served, List<TrainingSample> samples) {
    List<TftWindow> windows = samples.stream().map(TrainingSample::window).toList();
    double[][][] f = Forecasts.weighted(ops, served, windows);
    double[] levels = ops.quantiles();
    double sum = 0;
    long n = 0;
    for (int w = 0; w < samples.size(); w++) {
      double[] y = samples.get(w).futureTarget();
      for (int h = 0; h < y.length; h++) {
        if (Double.isNaN(y[h])) {
          continue;
        }
        for (int q = 0; q < levels.length; q++) {
          sum += QuantileScore.pinball(y[h], f[w][h][q], levels[q]);
          n++;
        }
      }
    }
    return sum / n;
  }
}
