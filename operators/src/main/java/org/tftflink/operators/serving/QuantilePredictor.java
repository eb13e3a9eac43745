package org.tftflink.operators.serving;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * The quantile forecasts of a batch of windows, in original units, without the interpretability
 * outputs: {@link TftModel#predict} also copies attention and variable-selection weights out of the
 * graph element by element, which took 7 of every 8 milliseconds at batch 256 (reference TFT: 73
 * against 573 windows/s on one thread). Same encoding and rescaling as {@code predict}; {@code
 * QuantilePredictorTest} holds the two equal.
 */
public final class QuantilePredictor {

  /** Windows per graph call, as in {@code TftModel.predict}. */
  private static final int CHUNK = 1024;

  private QuantilePredictor() {}

  /** {@code [window][horizon step][quantile]} in the target's own units. */
  public static List<double[][]> predict(TftModel model, List<TftWindow> windows) {
    List<double[][]> out = new ArrayList<>(windows.size());
    for (int from = 0; from < windows.size(); from += CHUNK) {
      List<TftWindow> part = windows.subList(from, Math.min(windows.size(), from + CHUNK));
      EncodedBatch batch = model.encoder().encode(part);
      INDArray scaled = model.output(batch, TftGraph.PREDICTION).get(TftGraph.PREDICTION);
      int horizon = (int) scaled.size(1);
      int quantiles = (int) scaled.size(2);
      // one bulk copy: [B, H, Q] row-major
      double[] flat = scaled.castTo(DataType.DOUBLE).dup('c').data().asDouble();
      for (int i = 0; i < part.size(); i++) {
        double[][] values = new double[horizon][quantiles];
        for (int h = 0; h < horizon; h++) {
          for (int q = 0; q < quantiles; q++) {
            values[h][q] =
                batch.location()[i] + batch.scale()[i] * flat[(i * horizon + h) * quantiles + q];
          }
        }
        out.add(values);
      }
    }
    return out;
  }
}
