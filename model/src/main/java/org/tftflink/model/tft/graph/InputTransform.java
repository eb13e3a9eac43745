package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Per-variable input transforms of the TFT paper: each real becomes a vector by its own linear map,
 * each static categorical by its own embedding table, looked up as one-hot times table because
 * gather's gradient is wrong.
 */
public final class InputTransform {
  private InputTransform() {}

  /** Reals {@code [N, variables]} to {@code [variables, N, size]}. */
  public static SDVariable reals(
      GraphContext g, String scope, SDVariable x, long variables, long size) {
    SDVariable w = g.weight(scope + "/W", variables, 1, size);
    SDVariable b = g.zeros(scope + "/b", variables, 1, size);
    // a batched matmul with an inner size of 1 rather than a broadcast multiply: the same outer
    // product, but libnd4j's broadcast multiply_bp took 3x as long at [10, 21504, 16]
    return g.sd().mmul(x.permute(1, 0).reshape(variables, -1, 1), w).add(b);
  }

  /** One-hot categoricals {@code [variables, B, buckets]} to {@code [variables, B, size]}. */
  public static SDVariable categoricals(
      GraphContext g, String scope, SDVariable oneHot, long variables, long buckets, long size) {
    SDVariable table = g.weight(scope + "/embedding", variables, buckets, size);
    return g.sd().mmul(oneHot, table);
  }
}
