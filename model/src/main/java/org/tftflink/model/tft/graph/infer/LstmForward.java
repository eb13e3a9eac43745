package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.Gemm;
import org.tftflink.model.tft.graph.LstmEncoderDecoder;

/**
 * Forward pass of {@link LstmEncoderDecoder} for inference over ND4J ops in the model's data type:
 * per step {@code z = x_t W_x + b + h W_h}, {@code c = σ(z_f) ∘ c + σ(z_i) ∘ tanh(z_g)}, {@code h =
 * σ(z_o) ∘ tanh(c)} (gate blocks input | forget | output | candidate), the encoder over the history
 * from the static contexts and the decoder over the horizon from the encoder's states.
 *
 * <p>Why beside the Java recurrence: that one applies the gates element by element in double
 * precision Java loops (and multiplies {@code h W_h} row by row below 8 windows), fastest for a few
 * windows; from {@link #GEMM_BATCH} windows on, one GEMM per step over the whole batch and eight
 * batch-wide elementwise ops in the model's data type cost less. Below it, this block runs the Java
 * recurrence.
 */
final class LstmForward {
  /** Windows from which the recurrence is a GEMM per step. */
  static final int GEMM_BATCH = 16;

  private final String scope;
  private final int layers;
  private final int encoderLength;
  private final int horizon;
  private final LstmEncoderDecoder javaLstm;

  LstmForward(
      String scope, int layers, int encoderLength, int horizon, LstmEncoderDecoder javaLstm) {
    this.scope = scope;
    this.layers = layers;
    this.encoderLength = encoderLength;
    this.horizon = horizon;
    this.javaLstm = javaLstm;
  }

  /**
   * The last layer's hidden states, rows {@code [B*T, H]} in window-major order.
   *
   * @param input the selected inputs {@code [B*T, H]}
   * @param h0 initial hidden state {@code [B, H]}
   * @param c0 initial cell state {@code [B, H]}
   */
  INDArray forward(Parameters p, INDArray input, INDArray h0, INDArray c0) {
    int total = encoderLength + horizon;
    int batch = (int) (input.size(0) / total);
    if (batch < GEMM_BATCH) {
      return javaLstm.forward(input, h0, c0, false).output();
    }
    long hidden = h0.size(1);
    // time-major rows [T*B, H]: each step's rows are contiguous
    INDArray x = input.reshape(batch, total, input.size(1)).permute(1, 0, 2).dup('c');
    for (int layer = 0; layer < layers; layer++) {
      INDArray states = Nd4j.createUninitialized(input.dataType(), total, batch, hidden);
      INDArray h = h0;
      INDArray c = c0.dup();
      h = span(p, scope + "/encoder/layer" + layer, x, states, h, c, 0, encoderLength);
      span(p, scope + "/decoder/layer" + layer, x, states, h, c, encoderLength, total);
      x = states;
    }
    return x.permute(1, 0, 2).dup('c').reshape((long) batch * total, hidden);
  }

  /**
   * Runs steps [from, to) of time-major {@code x [T, B, in]} with one segment's weights, writing
   * the hidden states into {@code states [T, B, H]}; {@code c} is updated in place. Returns the
   * last h.
   */
  private INDArray span(
      Parameters p,
      String name,
      INDArray x,
      INDArray states,
      INDArray h,
      INDArray c,
      int from,
      int to) {
    long batch = x.size(1);
    long hidden = c.size(1);
    INDArray wh = p.get(name + "/W_h");
    INDArray rows =
        x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all())
            .reshape((long) (to - from) * batch, x.size(2));
    INDArray z = Rows.dense(rows, p.get(name + "/W_x"), p.get(name + "/b"));
    INDArray product = Nd4j.createUninitialized(c.dataType(), batch, hidden);
    for (int t = from; t < to; t++) {
      INDArray zt = z.get(NDArrayIndex.interval((t - from) * batch, (t - from + 1) * batch));
      Gemm.gemm(h, wh, zt, false, false, 1.0, 1.0);
      Transforms.sigmoid(zt.get(columns(0, 3 * hidden)), false);
      INDArray candidate = Transforms.tanh(zt.get(columns(3 * hidden, 4 * hidden)), false);
      c.muli(zt.get(columns(hidden, 2 * hidden)))
          .addi(zt.get(columns(0, hidden)).mul(candidate, product));
      INDArray ht = states.slice(t);
      Nd4j.exec(new Tanh(c, ht));
      ht.muli(zt.get(columns(2 * hidden, 3 * hidden)));
      h = ht;
    }
    return h;
  }

  private static INDArrayIndex[] columns(long from, long to) {
    return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(from, to)};
  }
}
