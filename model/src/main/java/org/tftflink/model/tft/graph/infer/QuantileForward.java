package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Forward pass of {@code QuantileOutput} and {@code QuantileLoss}: raw outputs {@code r = x W + b},
 * the median quantile {@code r_m} free and every other one its neighbour towards the median plus
 * (above) or minus (below) {@code softplus(r_k)}; the pinball loss summed over quantiles and
 * averaged over observed horizon points.
 */
final class QuantileForward {
  private final String scope;
  private final double[] levels;
  private final int median;

  QuantileForward(String scope, double[] levels, int median) {
    this.scope = scope;
    this.levels = levels.clone();
    this.median = median;
  }

  /** Rows {@code [N, hidden]} to ordered quantiles {@code [N, quantiles]}. */
  INDArray forward(Parameters p, INDArray rows) {
    INDArray raw = Rows.dense(rows, p.get(scope + "/dense/W"), p.get(scope + "/dense/b"));
    if (levels.length == 1) {
      return raw;
    }
    INDArray softplus = Transforms.softPlus(raw, true);
    for (int k = median + 1; k < levels.length; k++) {
      column(raw, k).assign(column(raw, k - 1).add(column(softplus, k)));
    }
    for (int k = median - 1; k >= 0; k--) {
      column(raw, k).assign(column(raw, k + 1).sub(column(softplus, k)));
    }
    return raw;
  }

  /**
   * The pinball loss of {@code prediction [N, Q]} against {@code target [N, 1]} where {@code weight
   * [N, 1]} is 1 (observed) or 0 (missing): {@code Σ weight · Σ_q max(e q, e (q - 1)) / (Σ weight +
   * 1e-9)} with {@code e = target - prediction}, as a scalar.
   */
  INDArray loss(INDArray prediction, INDArray target, INDArray weight) {
    DataType dt = prediction.dataType();
    INDArray q = Nd4j.create(levels, new long[] {1, levels.length}, DataType.DOUBLE).castTo(dt);
    INDArray error = prediction.neg().addiColumnVector(target);
    INDArray pinball = Transforms.max(error.mulRowVector(q), error.mulRowVector(q.sub(1.0)), false);
    INDArray perPoint = pinball.sum(true, 1).muli(weight);
    INDArray total = perPoint.sum();
    return total.divi(weight.sum().addi(1e-9));
  }

  private static INDArray column(INDArray a, int k) {
    return a.get(NDArrayIndex.all(), NDArrayIndex.interval(k, k + 1));
  }
}
