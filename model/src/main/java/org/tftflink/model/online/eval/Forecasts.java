package org.tftflink.model.online.eval;

import java.util.List;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.tft.TftWindow;

/** Forecasts of what was served: one member's, or an ensemble's weighted quantile average. */
final class Forecasts {
  private Forecasts() {}

  static <M> double[][][] weighted(ModelOps<M> ops, Served<M> served, List<TftWindow> windows) {
    double[] weights = served.weights();
    double[][][] sum = null;
    for (int m = 0; m < served.models().size(); m++) {
      double[][][] f = ops.predict(served.models().get(m), windows);
      if (sum == null) {
        sum = new double[f.length][][];
        for (int w = 0; w < f.length; w++) {
          sum[w] = new double[f[w].length][f[w][0].length];
        }
      }
      for (int w = 0; w < f.length; w++) {
        for (int h = 0; h < f[w].length; h++) {
          for (int q = 0; q < f[w][h].length; q++) {
            sum[w][h][q] += weights[m] * f[w][h][q];
          }
        }
      }
    }
    return sum;
  }
}
