package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.JavaArrays;
import org.tftflink.model.tft.graph.RowTiles;
import org.tftflink.model.tft.graph.SelectionKernels;

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

  /**
   * Gate, add and norm; {@code x} and {@code residual} are left unchanged. Above {@link
   * Rows#JAVA_LAYER_NORM} values the GLU product, the add and the norm are one fused pass ({@link
   * SelectionKernels#forward}), below it Java loops over a copy.
   */
  INDArray forward(Parameters p, INDArray x, INDArray residual) {
    String glu = scope + "/glu";
    INDArray dropped = dropout ? Rows.masked(x, p.mask(glu)) : x;
    INDArray gate =
        Transforms.sigmoid(
            Rows.dense(dropped, p.get(glu + "/gate/W"), p.get(glu + "/gate/b")), false);
    INDArray value = Rows.dense(dropped, p.get(glu + "/value/W"), p.get(glu + "/value/b"));
    if (value.length() <= Rows.JAVA_LAYER_NORM) {
      return Rows.layerNorm(
          value.muli(gate).addi(residual),
          p.get(scope + "/norm/gain"),
          p.get(scope + "/norm/bias"));
    }
    return fused(p, gate, value, residual, null, null);
  }

  /**
   * The GLU product (into {@code value}), the residual add and the layer norm in one pass over row
   * tiles ({@link SelectionKernels#forward} with one variable of weight 1); the normalised rows and
   * inverse deviations go into {@code normed} and {@code inverseStd} when they are not null.
   */
  private INDArray fused(
      Parameters p,
      INDArray gate,
      INDArray value,
      INDArray residual,
      INDArray normed,
      INDArray inverseStd) {
    long n = value.size(0);
    int width = (int) value.size(1);
    INDArray output = Nd4j.createUninitialized(value.dataType(), n, width);
    SelectionKernels.forward(
        1,
        n,
        width,
        RowTiles.of(gate),
        RowTiles.of(value),
        RowTiles.of(RowTiles.wholeOrCopy(residual)),
        normed == null ? null : RowTiles.of(normed),
        inverseStd == null ? null : RowTiles.of(inverseStd),
        JavaArrays.scratchValues(p.get(scope + "/norm/gain")),
        JavaArrays.scratchValues(p.get(scope + "/norm/bias")),
        Backprop.EPSILON,
        null,
        RowTiles.of(output));
    return output;
  }

  /**
   * What {@link #backward} needs of a {@link #train} pass; {@link #output} is the block's. {@code
   * gated} is the GLU's output {@code value ∘ σ(gate)}, {@code gate} its σ.
   */
  record Pass(INDArray dropped, INDArray mask, INDArray gated, INDArray gate, Backprop.Norm norm) {
    INDArray output() {
      return norm.output();
    }
  }

  /** The gradients of the block's two inputs. */
  record Inputs(INDArray x, INDArray residual) {}

  /**
   * {@link #forward}, keeping the activations of the backward pass: the GLU product, the residual
   * add and the layer norm in one fused pass over row tiles ({@link SelectionKernels#forward} with
   * one variable of weight 1).
   */
  Pass train(Parameters p, INDArray x, INDArray residual) {
    String glu = scope + "/glu";
    INDArray mask = dropout ? p.mask(glu) : null;
    INDArray dropped = Rows.masked(x, mask);
    INDArray gate =
        Transforms.sigmoid(
            Rows.dense(dropped, p.get(glu + "/gate/W"), p.get(glu + "/gate/b")), false);
    INDArray gated = Rows.dense(dropped, p.get(glu + "/value/W"), p.get(glu + "/value/b"));
    long n = gated.size(0);
    INDArray normed = Nd4j.createUninitialized(gated.dataType(), n, gated.size(1));
    INDArray inverseStd = Nd4j.createUninitialized(gated.dataType(), n, 1);
    INDArray output = fused(p, gate, gated, residual, normed, inverseStd);
    return new Pass(dropped, mask, gated, gate, new Backprop.Norm(output, normed, inverseStd));
  }

  /**
   * Back through the layer norm, the residual add and the GLU {@code value ∘ σ(gate)}: {@code
   * dValue = d ∘ σ}, {@code dGate = d ∘ value ∘ σ (1 - σ)} (one fused pass, {@link
   * SelectionKernels#backward}), then the dense layers and the dropout mask.
   */
  Inputs backward(Parameters p, Gradients g, Pass pass, INDArray dOut) {
    String glu = scope + "/glu";
    INDArray gate = pass.gate();
    long n = gate.size(0);
    int width = (int) gate.size(1);
    DataType type = gate.dataType();
    INDArray dSum = Nd4j.createUninitialized(type, n, width);
    INDArray dGate = Nd4j.createUninitialized(type, n, width);
    INDArray dValue = Nd4j.createUninitialized(type, n, width);
    double[] dGain = new double[width];
    double[] dBias = new double[width];
    double[] dSumSums = new double[width];
    double[] dGateSums = new double[width];
    double[] dValueSums = new double[width];
    SelectionKernels.backward(
        1,
        n,
        width,
        RowTiles.of(RowTiles.wholeOrCopy(dOut)),
        null,
        RowTiles.of(pass.norm().normed()),
        RowTiles.of(pass.norm().inverseStd()),
        RowTiles.of(gate),
        RowTiles.of(pass.gated()),
        JavaArrays.values(p.get(scope + "/norm/gain")),
        JavaArrays.values(p.get(scope + "/norm/bias")),
        null,
        dGain,
        dBias,
        RowTiles.of(dSum),
        RowTiles.of(dGate),
        RowTiles.of(dValue),
        dSumSums,
        dGateSums,
        dValueSums);
    g.add(scope + "/norm/gain", JavaArrays.array(dGain, type, width));
    g.add(scope + "/norm/bias", JavaArrays.array(dBias, type, width));
    INDArray dx =
        Backprop.dense(
                g, glu + "/value", pass.dropped(), p.get(glu + "/value/W"), dValueSums, dValue)
            .addi(
                Backprop.dense(
                    g, glu + "/gate", pass.dropped(), p.get(glu + "/gate/W"), dGateSums, dGate));
    if (pass.mask() != null) {
      dx.muli(pass.mask());
    }
    return new Inputs(dx, dSum);
  }
}
