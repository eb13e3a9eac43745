package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The LSTM encoder-decoder unrolled from SameDiff ops whose gradients pass (the model's LSTM until
 * it moved to Java): the reference that {@link LstmEncoderDecoder}'s forward pass is compared with.
 */
final class UnrolledLstmReference {

  /**
   * Encoder outputs {@code [B*Tenc, H]} and decoder outputs {@code [B*Tdec, H]}, rows in
   * window-major order.
   */
  public record Output(SDVariable encoder, SDVariable decoder) {}

  private final String scope;
  private final int hidden;
  private final int layers;
  private final int encoderLength;
  private final int horizon;

  public UnrolledLstmReference(
      String scope, long hidden, int layers, int encoderLength, int horizon) {
    this.scope = scope;
    this.hidden = (int) hidden;
    this.layers = layers;
    this.encoderLength = encoderLength;
    this.horizon = horizon;
  }

  public Output build(
      GraphContext g,
      SDVariable encoderInput,
      SDVariable decoderInput,
      SDVariable h0,
      SDVariable c0) {
    SDVariable enc = encoderInput;
    SDVariable dec = decoderInput;
    for (int layer = 0; layer < layers; layer++) {
      // every layer starts from the static contexts, as in PyTorch Forecasting's TFT
      SDVariable[] encState = {h0, c0};
      enc = run(g, scope + "/encoder/layer" + layer, enc, encoderLength, encState);
      SDVariable[] decState = {encState[0], encState[1]};
      dec = run(g, scope + "/decoder/layer" + layer, dec, horizon, decState);
    }
    return new Output(enc, dec);
  }

  /** Runs one LSTM layer over rows {@code [B*steps, H]}; {@code state} holds (h, c) in and out. */
  private SDVariable run(
      GraphContext g, String name, SDVariable rows, int steps, SDVariable[] state) {
    SDVariable inputWeights = g.weight(name + "/W_x", hidden, 4 * hidden);
    SDVariable recurrentWeights = g.weight(name + "/W_h", hidden, 4 * hidden);
    SDVariable bias = g.zeros(name + "/b", 4 * hidden);
    // gate blocks: input | forget | output (sigmoid) | candidate (tanh)
    SDVariable projected =
        rows.mmul(inputWeights).add(bias).reshape(-1, steps, 4 * hidden).permute(1, 0, 2);
    // unstack, not a slice per step: each slice's backward pass materialises a zero tensor of the
    // full
    // [T, B, 4H] size (gigabytes at batch 128 over 192 steps), unstack's is a single stack of the
    // step gradients
    SDVariable[] perStep = g.sd().unstack(projected, 0, steps);
    SDVariable h = state[0];
    SDVariable c = state[1];
    SDVariable[] outputs = new SDVariable[steps];
    for (int t = 0; t < steps; t++) {
      SDVariable z = perStep[t].add(h.mmul(recurrentWeights));
      SDVariable gates = g.sd().nn.sigmoid(z.get(SDIndex.all(), SDIndex.interval(0, 3 * hidden)));
      SDVariable candidate =
          g.sd().math.tanh(z.get(SDIndex.all(), SDIndex.interval(3 * hidden, 4 * hidden)));
      SDVariable in = gates.get(SDIndex.all(), SDIndex.interval(0, hidden));
      SDVariable forget = gates.get(SDIndex.all(), SDIndex.interval(hidden, 2 * hidden));
      SDVariable out = gates.get(SDIndex.all(), SDIndex.interval(2 * hidden, 3 * hidden));
      c = forget.mul(c).add(in.mul(candidate));
      h = out.mul(g.sd().math.tanh(c));
      outputs[t] = h;
    }
    state[0] = h;
    state[1] = c;
    return g.sd().stack(1, outputs).reshape(-1, hidden);
  }
}
