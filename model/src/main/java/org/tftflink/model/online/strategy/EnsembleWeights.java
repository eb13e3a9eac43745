package org.tftflink.model.online.strategy;

/**
 * Ensemble weights from recent hold-out losses: softmax of {@code -(loss / best - 1) /
 * temperature}, so the weights depend on how much worse a member is in relative terms, not on the
 * loss's units (temperature 0.1: a member 10% worse than the best gets e^-1 of its weight).
 */
public final class EnsembleWeights {
  private EnsembleWeights() {}

  /** Weights summing to 1; a member with a non-finite loss gets 0 (all non-finite: equal). */
  public static double[] softmax(double[] losses, double temperature) {
    double best = Double.POSITIVE_INFINITY;
    for (double l : losses) {
      if (Double.isFinite(l) && l < best) {
        best = l;
      }
    }
    double[] w = new double[losses.length];
    if (!Double.isFinite(best)) {
      java.util.Arrays.fill(w, 1.0 / losses.length);
      return w;
    }
    double scale = Math.max(Math.abs(best), 1e-12);
    double sum = 0;
    for (int i = 0; i < losses.length; i++) {
      w[i] = Double.isFinite(losses[i]) ? Math.exp(-(losses[i] - best) / scale / temperature) : 0;
      sum += w[i];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }

  /** The weighted average of the members' forecasts, [window][horizon][quantile]. */
  public static double[][][] combine(java.util.List<double[][][]> forecasts, double[] weights) {
    double[][][] first = forecasts.get(0);
    double[][][] out = new double[first.length][][];
    for (int w = 0; w < first.length; w++) {
      out[w] = new double[first[w].length][first[w][0].length];
      for (int m = 0; m < forecasts.size(); m++) {
        double[][] f = forecasts.get(m)[w];
        for (int h = 0; h < f.length; h++) {
          for (int q = 0; q < f[h].length; q++) {
            out[w][h][q] += weights[m] * f[h][q];
          }
        }
      }
    }
    return out;
  }
}
