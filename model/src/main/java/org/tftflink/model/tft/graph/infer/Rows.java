package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.Broadcasts;
import org.tftflink.model.tft.graph.Gemm;
import org.tftflink.model.tft.graph.JavaArrays;
import org.tftflink.model.tft.graph.JavaRows;

/**
 * Operations on rows {@code [N, width]} shared by the Java forward blocks, each one ND4J op (or a
 * few) over the whole batch: the same ops, in the same order, as the SameDiff blocks they mirror.
 */
final class Rows {
  private static final double EPSILON = JavaRows.EPSILON;
  // up to this many elements the layer norm is a Java loop over a copy: nine ND4J ops cost more
  // than the arithmetic there (15% of a one-window forward pass)
  static final long JAVA_LAYER_NORM = 1 << 16;

  private Rows() {}

  /** {@code x · W + b} ({@code b} may be null), one GEMM into a fresh array. */
  static INDArray dense(INDArray x, INDArray w, INDArray b) {
    INDArray in = contiguous(x);
    INDArray y = Nd4j.createUninitialized(in.dataType(), in.size(0), w.size(1));
    return Gemm.dense(in, w, b, y);
  }

  /**
   * Layer norm over the last dimension (in place for large arrays), with PyTorch's epsilon as in
   * {@code GateAddNorm.layerNorm}: {@code (x - μ) / sqrt(σ² + ε) · gain + bias}.
   */
  static INDArray layerNorm(INDArray x, INDArray gain, INDArray bias) {
    long width = x.size(1);
    if (x.length() <= JAVA_LAYER_NORM) {
      return javaLayerNorm(x, gain, bias);
    }
    Broadcasts.subiColumn(x, x.mean(true, 1));
    INDArray variance = x.mul(x).mean(true, 1);
    Broadcasts.diviColumn(x, Transforms.pow(variance.addi(EPSILON), 0.5, false));
    return Broadcasts.addiRow(
        Broadcasts.muliRow(x, gain.reshape(1, width)), bias.reshape(1, width));
  }

  /** {@link #layerNorm} as a Java loop in double precision over a copy. */
  private static INDArray javaLayerNorm(INDArray x, INDArray gain, INDArray bias) {
    double[] v = JavaArrays.scratchValues(x);
    JavaRows.layerNorm(
        v,
        (int) x.size(0),
        (int) x.size(1),
        JavaArrays.scratchValues(gain),
        JavaArrays.scratchValues(bias));
    return JavaArrays.array(v, x.dataType(), x.shape());
  }

  /** Softmax over the last dimension of {@code x [N, width]} into a fresh array. */
  static INDArray softmax(INDArray x) {
    INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
    Nd4j.exec(new SoftMax(x, out, x.rank() - 1));
    return out;
  }

  /** {@code x ∘ mask}, or x itself without a mask. */
  static INDArray masked(INDArray x, INDArray mask) {
    return mask == null ? x : x.mul(mask);
  }

  /**
   * Adds the per-window row {@code perWindow [B, width]} to each of the window's rows of {@code
   * rows [B*rowsPerWindow, width]}, in place.
   */
  static INDArray addPerWindow(INDArray rows, INDArray perWindow, long rowsPerWindow) {
    if (rowsPerWindow == 1) {
      return rows.addi(perWindow);
    }
    long width = rows.size(1);
    INDArray r3 = rows.reshape(perWindow.size(0), rowsPerWindow, width);
    Broadcasts.exec(new BroadcastAddOp(r3, perWindow, r3, 0, 2));
    return rows;
  }

  /** Rows of steps [from, total) of each window of {@code rows [B*total, width]}, contiguous. */
  static INDArray steps(INDArray rows, long total, long from) {
    long width = rows.size(1);
    long batch = rows.size(0) / total;
    return rows.reshape(batch, total, width)
        .get(NDArrayIndex.all(), NDArrayIndex.interval(from, total), NDArrayIndex.all())
        .dup('c')
        .reshape(batch * (total - from), width);
  }

  /** {@code a} if its rows are laid out as a C-order matrix's (any offset), else a copy. */
  static INDArray contiguous(INDArray a) {
    return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
  }
}
