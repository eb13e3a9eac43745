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

  /** What {@link #backward} needs of a {@link #train} pass; {@link #output} is the block's. */
  record Pass(INDArray dropped, INDArray mask, INDArray value, INDArray gate, Backprop.Norm norm) {
    INDArray output() {
      return norm.output();
    }
  }

  /** The gradients of the block's two inputs. */
  record Inputs(INDArray x, INDArray residual) {}

  /** {@link #forward}, keeping the activations of the backward pass. */
  Pass train(Parameters p, INDArray x, INDArray residual) {
    String glu = scope + "/glu";
    INDArray mask = dropout ? p.mask(glu) : null;
    INDArray dropped = Rows.masked(x, mask);
    INDArray gate =
        Transforms.sigmoid(
            Rows.dense(dropped, p.get(glu + "/gate/W"), p.get(glu + "/gate/b")), false);
    INDArray value = Rows.dense(dropped, p.get(glu + "/value/W"), p.get(glu + "/value/b"));
    INDArray sum = value.mul(gate).addi(residual);
    return new Pass(
        dropped,
        mask,
        value,
        gate,
        Backprop.layerNorm(sum, p.get(scope + "/norm/gain"), p.get(scope + "/norm/bias")));
  }

  /**
   * Back through the layer norm, the residual add and the GLU {@code value ∘ σ(gate)}: {@code
   * dValue = d ∘ σ}, {@code dGate = d ∘ value ∘ σ (1 - σ)}, then the dropout mask.
   */
  Inputs backward(Parameters p, Gradients g, Pass pass, INDArray dOut) {
    String glu = scope + "/glu";
    INDArray dSum =
        Backprop.layerNorm(g, scope + "/norm", p.get(scope + "/norm/gain"), pass.norm(), dOut);
    INDArray dValue = dSum.mul(pass.gate());
    INDArray dGate = pass.gate().rsub(1.0).muli(pass.gate()).muli(pass.value()).muli(dSum);
    INDArray dx =
        Backprop.dense(g, glu + "/value", pass.dropped(), p.get(glu + "/value/W"), true, dValue)
            .addi(
                Backprop.dense(
                    g, glu + "/gate", pass.dropped(), p.get(glu + "/gate/W"), true, dGate));
    if (pass.mask() != null) {
      dx.muli(pass.mask());
    }
    return new Inputs(dx, dSum);
  }
}
