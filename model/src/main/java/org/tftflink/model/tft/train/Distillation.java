package org.tftflink.model.tft.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;

/**
 * The teacher-student term: keeps the candidate's quantiles near the parent's on anchor samples by
 * training on pseudo-samples whose actuals are the parent's quantile forecasts, with the graph's
 * own pinball loss (no graph change).
 *
 * <p>Each anchor becomes one pseudo-sample per quantile level q_k, with target the parent's q_k
 * forecast and weight m_k = c_k − c_{k−1}, where c_k is the midpoint between q_k and q_{k+1} (c of
 * the last level is 1). For each quantile level the weighted pinball loss over these targets is
 * smallest exactly at the parent's forecast of that level, because the targets' cumulative weight
 * passes q_k at the parent's q_k forecast: the term pulls each quantile to the parent's, not every
 * quantile to the median (which a pinball loss against the parent's median alone would do).
 */
final class Distillation {
  private final List<TrainingSample> anchors;
  private final List<double[][]> teacher;
  private final double[] masses;
  private final List<Integer> order = new ArrayList<>();
  private int next;

  /** Records the model's current forecasts (the parent's) on the anchors. */
  Distillation(TftModel parent, List<TrainingSample> anchors, long seed) {
    this.anchors = List.copyOf(anchors);
    this.teacher = new ArrayList<>();
    for (Forecast f : parent.predict(anchors.stream().map(TrainingSample::window).toList())) {
      teacher.add(f.values());
    }
    this.masses = masses(parent.config().quantiles());
    for (int i = 0; i < anchors.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
  }

  static double[] masses(double[] quantiles) {
    double[] m = new double[quantiles.length];
    double previous = 0;
    for (int k = 0; k < quantiles.length; k++) {
      double c = k == quantiles.length - 1 ? 1.0 : (quantiles[k] + quantiles[k + 1]) / 2;
      m[k] = c - previous;
      previous = c;
    }
    return m;
  }

  /** The next {@code count} anchors (cycling) as pseudo-samples, one per quantile level. */
  Batch next(int count) {
    int q = masses.length;
    List<TrainingSample> samples = new ArrayList<>();
    double[] weights = new double[count * q];
    for (int i = 0; i < count; i++) {
      int a = order.get(next);
      next = (next + 1) % order.size();
      double[][] forecast = teacher.get(a);
      for (int k = 0; k < q; k++) {
        double[] target = new double[forecast.length];
        for (int t = 0; t < target.length; t++) {
          target[t] = forecast[t][k];
        }
        samples.add(new TrainingSample(anchors.get(a).window(), target));
        weights[i * q + k] = masses[k];
      }
    }
    return new Batch(samples, weights);
  }

  int quantileCount() {
    return masses.length;
  }

  /** Pseudo-samples and their point weights. */
  record Batch(List<TrainingSample> samples, double[] weights) {}
}
