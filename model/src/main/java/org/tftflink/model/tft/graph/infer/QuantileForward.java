package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.Broadcasts;

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
    INDArray error = Broadcasts.addiColumn(prediction.neg(), target);
    INDArray pinball =
        Transforms.max(Broadcasts.mulRow(error, q), Broadcasts.mulRow(error, q.sub(1.0)), false);
    INDArray perPoint = pinball.sum(true, 1).muli(weight);
    INDArray total = perPoint.sum();
    return total.divi(weight.sum().addi(1e-9));
  }

  /** What {@link #backward} needs of a {@link #train} pass: input rows, raw outputs, quantiles. */
  record Pass(INDArray rows, INDArray raw, INDArray output) {}

  /** {@link #forward}, keeping the raw outputs. */
  Pass train(Parameters p, INDArray rows) {
    INDArray raw = Rows.dense(rows, p.get(scope + "/dense/W"), p.get(scope + "/dense/b"));
    return new Pass(rows, raw, forward(p, rows));
  }

  /**
   * Back through the non-crossing head: each quantile's gradient also flows to its neighbour
   * towards the median, and reaches its own raw output times {@code σ(r_k)} (softplus' slope), with
   * the sign of its side; then the dense layer. Returns the gradient of the input rows.
   */
  INDArray backward(Parameters p, Gradients g, Pass pass, INDArray dOut) {
    int q = levels.length;
    INDArray dRaw = dOut;
    if (q > 1) {
      long n = dOut.size(0);
      double[] d = Rows.contiguous(dOut).dup('c').data().asDouble();
      double[] slope = Transforms.sigmoid(pass.raw(), true).dup('c').data().asDouble();
      double[] r = new double[d.length];
      for (long row = 0; row < n; row++) {
        int o = (int) (row * q);
        for (int k = q - 1; k > median; k--) {
          r[o + k] = d[o + k] * slope[o + k];
          d[o + k - 1] += d[o + k];
        }
        for (int k = 0; k < median; k++) {
          r[o + k] = -d[o + k] * slope[o + k];
          d[o + k + 1] += d[o + k];
        }
        r[o + median] = d[o + median];
      }
      dRaw = Nd4j.create(r, new long[] {n, q}, DataType.DOUBLE).castTo(dOut.dataType());
    }
    return Backprop.dense(g, scope + "/dense", pass.rows(), p.get(scope + "/dense/W"), true, dRaw);
  }

  /**
   * The gradient of {@link #loss} by the prediction: {@code -weight · (q if e > 0 else q - 1) / (Σ
   * weight + 1e-9)} per point and quantile, the slope of the larger pinball branch.
   */
  INDArray lossGradient(INDArray prediction, INDArray target, INDArray weight) {
    int q = levels.length;
    long n = prediction.size(0);
    double[] pred = Rows.contiguous(prediction).dup('c').data().asDouble();
    double[] t = Rows.contiguous(target).dup('c').data().asDouble();
    double[] w = Rows.contiguous(weight).dup('c').data().asDouble();
    double total = 1e-9;
    for (double x : w) {
      total += x;
    }
    double[] d = new double[pred.length];
    for (int row = 0; row < n; row++) {
      for (int k = 0; k < q; k++) {
        double e = t[row] - pred[row * q + k];
        d[row * q + k] = -w[row] * (e > 0 ? levels[k] : levels[k] - 1) / total;
      }
    }
    return Nd4j.create(d, new long[] {n, q}, DataType.DOUBLE).castTo(prediction.dataType());
  }

  private static INDArray column(INDArray a, int k) {
    return a.get(NDArrayIndex.all(), NDArrayIndex.interval(k, k + 1));
  }
}
