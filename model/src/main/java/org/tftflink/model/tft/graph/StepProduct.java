package org.tftflink.model.tft.graph;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LSTM's recurrent products for one step over the whole batch as native GEMMs, for {@link
 * LstmSteps}: {@code h · W_h} forward; {@code dz · W_hᵀ} and {@code dW_h += h_prevᵀ · dz} backward.
 * The step's rows are copied from Java arrays into preallocated native buffers and back (a few KB a
 * step); {@code dW_h} stays native until {@link #recurrentGradient}.
 *
 * <p>Why: the same products row by row in Java loops ran at about 1.6 GMAC/s and were a fifth of a
 * training step at batch 128; the BLAS does them several times faster even with its call overhead.
 */
final class StepProduct {
  private final int batch;
  private final int hidden;
  private final INDArray wh;
  private final INDArray h;
  private final INDArray z;
  private final INDArray dWh;
  private final DoublePointer hData;
  private final DoublePointer zData;

  /** Products of {@code batch} rows with the recurrent weights {@code wh} {@code [H, 4H]}. */
  StepProduct(int batch, int hidden, double[] wh) {
    this.batch = batch;
    this.hidden = hidden;
    this.wh = JavaArrays.array(wh, hidden, 4L * hidden);
    h = Nd4j.create(DataType.DOUBLE, batch, hidden);
    z = Nd4j.create(DataType.DOUBLE, batch, 4L * hidden);
    dWh = Nd4j.create(DataType.DOUBLE, hidden, 4L * hidden);
    hData = new DoublePointer(h.data().addressPointer());
    zData = new DoublePointer(z.data().addressPointer());
  }

  /** {@code z = h · W_h}: {@code h} {@code [B, H]} in, {@code z} {@code [B, 4H]} out. */
  void forward(double[] hValues, double[] zValues) {
    hData.put(hValues, 0, batch * hidden);
    Gemm.gemm(h, wh, z, false, false, 1.0, 0.0);
    zData.get(zValues, 0, batch * 4 * hidden);
    // the pointers hold only addresses: keep h and z alive through the copies
    Reference.reachabilityFence(this);
  }

  /**
   * For one step's gate gradients {@code dz} {@code [B, 4H]} and the states before it {@code hPrev}
   * {@code [B, H]}: {@code dW_h += hPrevᵀ · dz}, and {@code dhPrev = dz · W_hᵀ} written into {@code
   * dhPrev} {@code [B, H]}.
   */
  void backward(double[] dzValues, double[] hPrev, double[] dhPrev) {
    zData.put(dzValues, 0, batch * 4 * hidden);
    hData.put(hPrev, 0, batch * hidden);
    Gemm.gemm(h, z, dWh, true, false, 1.0, 1.0);
    Gemm.gemm(z, wh, h, false, true, 1.0, 0.0);
    hData.get(dhPrev, 0, batch * hidden);
    Reference.reachabilityFence(this);
  }

  /** Adds the accumulated {@code dW_h} to {@code into} {@code [H * 4H]}, row-major. */
  void recurrentGradient(double[] into) {
    double[] v = JavaArrays.values(dWh);
    for (int i = 0; i < v.length; i++) {
      into[i] += v[i];
    }
  }
}
