package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Forward pass of {@code GateAddNorm} (and its {@code GatedLinearUnit}) on rows {@code [N, in]}:
 * {@code LayerNorm(residual + (x' W_value + b_value) ∘ σ(x' W_gate + b_gate))} with {@code x' = x ∘
 * dropout mask}.
 */
final class GateAddNormForward {
  private final String scope;
  private final boolean dropout;

  /**
   * @param scope the SameDiff block's scope, e.g. {@code post_attention}
   * @param dropout whether the GLU applies its own dropout mask (false where the caller applies it
   *     to the input, as for the LSTM output)
   */
  GateAddNormForward(String scope, boolean dropout) {
    this.scope = scope;
    this.dropout = dropout;
  }

  /** Gate, add and norm; {@code x} and {@code residual} are left unchanged. */
  INDArray forward(Parameters p, INDArray x, INDArray residual) {
    String glu = scope + "/glu";
    INDArray dropped = dropout ? Rows.masked(x, p.mask(glu)) : x;
    INDArray gate =
        Transforms.sigmoid(
            Rows.dense(dropped, p.get(glu + "/gate/W"), p.get(glu + "/gate/b")), false);
    INDArray sum =
        Rows.dense(dropped, p.get(glu + "/value/W"), p.get(glu + "/value/b"))
            .muli(gate)
            .addi(residual);
    return Rows.layerNorm(sum, p.get(scope + "/norm/gain"), p.get(scope + "/norm/bias"));
  }
}
