package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pinball loss summed over quantiles and averaged over observed horizon points, written with
 * elementwise ops because SameDiff's built-in losses get the gradient wrong once scaled
 * (DL4J-NOTES).
 */
public final class QuantileLoss {
  private final double[] quantiles;

  public QuantileLoss(double[] quantiles) {
    this.quantiles = quantiles.clone();
  }

  /**
   * @param prediction {@code [N, Q]} in scaled units
   * @param target {@code [N, 1]} in scaled units (missing points may hold any finite value)
   * @param weight {@code [N, 1]}: 1 where the target was observed, 0 where missing
   */
  public SDVariable build(
      GraphContext g, String name, SDVariable prediction, SDVariable target, SDVariable weight) {
    SDVariable q =
        g.sd()
            .constant(
                name + "/levels",
                Nd4j.create(
                        quantiles,
                        new long[] {1, quantiles.length},
                        org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .castTo(g.dataType()));
    SDVariable error = target.sub(prediction);
    SDVariable pinball = g.sd().math.max(error.mul(q), error.mul(q.sub(1.0)));
    SDVariable perPoint = pinball.sum(true, 1).mul(weight);
    // the denominator depends only on the weight placeholder; the +1e-9 keeps an all-missing batch
    // finite
    return perPoint.sum().div(weight.sum().add(1e-9)).rename(name);
  }
}
