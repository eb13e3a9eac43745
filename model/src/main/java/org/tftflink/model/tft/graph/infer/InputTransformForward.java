package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.graph.Broadcasts;

/**
 * Forward pass of {@code InputTransform}: each real variable {@code v} becomes {@code x_v W_v +
 * b_v} (a batched product with an inner size of 1, as in the graph), each static categorical the
 * rows of its own embedding table picked by its one-hot input.
 */
final class InputTransformForward {
  private InputTransformForward() {}

  /** Reals {@code [N, variables]} to {@code [variables, N, size]} under {@code scope}. */
  static INDArray reals(Parameters p, String scope, INDArray x) {
    INDArray w = p.get(scope + "/W");
    INDArray b = p.get(scope + "/b");
    long variables = w.size(0);
    long size = w.size(2);
    INDArray columns = x.transpose().dup('c').reshape(variables, x.size(0), 1);
    INDArray out = Nd4j.matmul(columns, w);
    Broadcasts.exec(new BroadcastAddOp(out, b.reshape(variables, size), out, 0, 2));
    return out;
  }

  /** One-hot categoricals {@code [variables, B, buckets]} to {@code [variables, B, size]}. */
  static INDArray categoricals(Parameters p, String scope, INDArray oneHot) {
    return Nd4j.matmul(oneHot, p.get(scope + "/embedding"));
  }
}
