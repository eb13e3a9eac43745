package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.JavaArrays;

/**
 * Forward steps that keep what their backward pass needs, and the backward passes themselves, on
 * rows {@code [N, width]} as the Java blocks use them: dense layers, the layer norm, ELU. Each is
 * the chain rule of the {@link Rows} step it mirrors, written out so that a training step needs no
 * SameDiff gradient function (whose per-op bookkeeping and broadcast {@code *_bp} ops cost more
 * than the arithmetic at these sizes).
 */
final class Backprop {
  static final double EPSILON = 1e-5;

  private Backprop() {}

  /**
   * A layer norm's forward pass: output {@code (x - μ) / sqrt(σ² + ε) · gain + bias}, the
   * normalised rows and the per-row {@code 1 / sqrt(σ² + ε)} {@code [N, 1]}.
   */
  record Norm(INDArray output, INDArray normed, INDArray inverseStd) {}

  /** {@link Rows#layerNorm} keeping its intermediates; {@code x} is left unchanged. */
  static Norm layerNorm(INDArray x, INDArray gain, INDArray bias) {
    long width = x.size(1);
    INDArray centred = x.subColumnVector(x.mean(true, 1));
    INDArray inverseStd =
        Transforms.pow(centred.mul(centred).mean(true, 1).addi(EPSILON), -0.5, false);
    INDArray normed = centred.muliColumnVector(inverseStd);
    INDArray out =
        normed.mulRowVector(gain.reshape(1, width)).addiRowVector(bias.reshape(1, width));
    return new Norm(out, normed, inverseStd);
  }

  /**
   * Back through {@link #layerNorm}: adds the gain's and bias's gradients and returns {@code dx =
   * (dn - mean(dn) - n̂ · mean(dn ∘ n̂)) / sqrt(σ² + ε)} with {@code dn = dy ∘ gain}.
   */
  static INDArray layerNorm(Gradients g, String scope, INDArray gain, Norm norm, INDArray dOut) {
    long width = dOut.size(1);
    INDArray normed = norm.normed();
    g.add(scope + "/gain", columnSums(dOut.mul(normed)));
    g.add(scope + "/bias", columnSums(dOut));
    INDArray dn = dOut.mulRowVector(gain.reshape(1, width));
    INDArray m2 = dn.mul(normed).mean(true, 1);
    dn.subiColumnVector(dn.mean(true, 1));
    dn.subi(normed.mulColumnVector(m2));
    return dn.muliColumnVector(norm.inverseStd());
  }

  /**
   * Back through {@code y = x · W + b} ({@link Rows#dense}) of the layer under {@code scope}: adds
   * {@code xᵀ dy} to {@code scope/W} and, when {@code bias}, the column sums of dy to {@code
   * scope/b}; returns {@code dy · Wᵀ}.
   */
  static INDArray dense(
      Gradients g, String scope, INDArray x, INDArray w, boolean bias, INDArray dy) {
    return dense(g, scope + "/W", bias ? scope + "/b" : null, x, w, dy);
  }

  /**
   * {@link #dense} with the bias's gradient {@code biasGradient [width]} given (the column sums of
   * dy, summed by the fused loop that made dy).
   */
  static INDArray dense(
      Gradients g, String scope, INDArray x, INDArray w, double[] biasGradient, INDArray dy) {
    INDArray dx = dense(g, scope + "/W", null, x, w, dy);
    g.add(scope + "/b", JavaArrays.array(biasGradient, dy.dataType(), biasGradient.length));
    return dx;
  }

  /** {@link #dense} with the weight's and the bias's names (no bias when null). */
  static INDArray dense(
      Gradients g, String weightName, String biasName, INDArray x, INDArray w, INDArray dy) {
    INDArray in = Rows.contiguous(x);
    INDArray d = Rows.contiguous(dy);
    INDArray dw = Nd4j.createUninitialized(d.dataType(), w.size(0), w.size(1));
    Nd4j.gemm(in, d, dw, true, false, 1.0, 0.0);
    g.add(weightName, dw);
    if (biasName != null) {
      g.add(biasName, columnSums(d));
    }
    INDArray dx = Nd4j.createUninitialized(d.dataType(), d.size(0), w.size(0));
    Nd4j.gemm(d, w, dx, false, true, 1.0, 0.0);
    return dx;
  }

  /** Σ over the rows of {@code rows [N, w]} as {@code [w]}: one GEMM with a ones row. */
  static INDArray columnSums(INDArray rows) {
    INDArray r = Rows.contiguous(rows);
    INDArray sums = Nd4j.createUninitialized(r.dataType(), 1, r.size(1));
    Nd4j.gemm(Nd4j.ones(r.dataType(), 1, r.size(0)), r, sums, false, false, 1.0, 0.0);
    return sums.reshape(r.size(1));
  }

  /** Σ over each window's {@code rowsPerWindow} rows of {@code rows [B*rowsPerWindow, w]}. */
  static INDArray windowSums(INDArray rows, long rowsPerWindow) {
    if (rowsPerWindow == 1) {
      return rows;
    }
    long width = rows.size(1);
    return rows.reshape(rows.size(0) / rowsPerWindow, rowsPerWindow, width).sum(1);
  }

  /**
   * Multiplies {@code d} in place by ELU's derivative at the ELU output {@code e}: min(e + 1, 1).
   */
  static INDArray eluBackward(INDArray d, INDArray e) {
    return d.muli(Transforms.min(e.add(1.0), 1.0, false));
  }

  /**
   * Adds the rows {@code [B*(total-from), w]} of steps [from, total) into those steps of each
   * window of {@code rows [B*total, w]}, in place ({@link Rows#steps} backwards).
   */
  static void addSteps(INDArray rows, INDArray stepRows, long total, long from) {
    long width = rows.size(1);
    long batch = rows.size(0) / total;
    rows.reshape(batch, total, width)
        .get(
            org.nd4j.linalg.indexing.NDArrayIndex.all(),
            org.nd4j.linalg.indexing.NDArrayIndex.interval(from, total),
            org.nd4j.linalg.indexing.NDArrayIndex.all())
        .addi(stepRows.reshape(batch, total - from, width));
  }
}
