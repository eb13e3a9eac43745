package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.graph.Gemm;
import org.tftflink.model.tft.graph.JavaArrays;
import org.tftflink.model.tft.graph.RowTiles;
import org.tftflink.model.tft.graph.SelectionKernels;

/**
 * Forward steps that keep what their backward pass needs, and the backward passes themselves, on
 * rows {@code [N, width]} as the Java blocks use them: dense layers, ELU (the layer norm is {@link
 * SelectionKernels}' fused loop). Each is the chain rule of the {@link Rows} step it mirrors,
 * written out so that a training step needs no SameDiff gradient function (whose per-op bookkeeping
 * and broadcast {@code *_bp} ops cost more than the arithmetic at these sizes).
 */
final class Backprop {
  static final double EPSILON = 1e-5;

  private Backprop() {}

  /**
   * A layer norm's forward pass: output {@code (x - μ) / sqrt(σ² + ε) · gain + bias}, the
   * normalised rows and the per-row {@code 1 / sqrt(σ² + ε)} {@code [N, 1]} (made by {@link
   * SelectionKernels#forward}, undone by {@link SelectionKernels#backward}).
   */
  record Norm(INDArray output, INDArray normed, INDArray inverseStd) {}

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
    Gemm.gemm(in, d, dw, true, false, 1.0, 0.0);
    g.add(weightName, dw);
    if (biasName != null) {
      g.add(biasName, columnSums(d));
    }
    INDArray dx = Nd4j.createUninitialized(d.dataType(), d.size(0), w.size(0));
    Gemm.gemm(d, w, dx, false, true, 1.0, 0.0);
    return dx;
  }

  /** Σ over the rows of {@code rows [N, w]} as {@code [w]}: one GEMM with a ones row. */
  static INDArray columnSums(INDArray rows) {
    INDArray r = Rows.contiguous(rows);
    INDArray sums = Nd4j.createUninitialized(r.dataType(), 1, r.size(1));
    Gemm.gemm(Nd4j.ones(r.dataType(), 1, r.size(0)), r, sums, false, false, 1.0, 0.0);
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
   * Multiplies {@code d} by ELU's derivative at the ELU output {@code e}, min(e + 1, 1): in place,
   * or in a copy returned when {@code d} is a view.
   */
  static INDArray eluBackward(INDArray d, INDArray e) {
    INDArray out = RowTiles.wholeOrCopy(d);
    SelectionKernels.eluBackward(
        RowTiles.of(out), RowTiles.of(RowTiles.wholeOrCopy(e)), out.length());
    return out;
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
