package org.tftflink.model.tft.graph;

import java.util.Arrays;

/**
 * The activations of one LSTM layer over a batch of windows, and the step-by-step arithmetic over
 * them: the forward recurrence, which turns input projections into gates, cell states and hidden
 * states, and its backward pass. Arrays are window-major: element {@code (b, t, j)} of a width-w
 * array is at {@code (b * steps + t) * w + j}. Gate blocks are input | forget | output | candidate.
 */
final class LstmSteps {
  private final int batch;
  private final int steps;
  private final int hidden;
  private final int width;
  // gates before activation on entry to forward (the input projections), after it on exit
  final double[] gates;
  final double[] cells;
  final double[] cellTanh;
  final double[] hiddens;

  LstmSteps(int batch, int steps, int hidden) {
    this.batch = batch;
    this.steps = steps;
    this.hidden = hidden;
    this.width = 4 * hidden;
    this.gates = new double[batch * steps * width];
    this.cells = new double[batch * steps * hidden];
    this.cellTanh = new double[batch * steps * hidden];
    this.hiddens = new double[batch * steps * hidden];
  }

  /**
   * Steps [from, to) with recurrent weights {@code wh} {@code [H, 4H]}: adds h·W_h to each step's
   * projection, applies the gates and writes c, tanh(c) and h. {@code h}, {@code c} ({@code [B,
   * H]}) carry the state in and out.
   */
  void forward(double[] wh, double[] h, double[] c, int from, int to) {
    int hs = hidden;
    for (int t = from; t < to; t++) {
      for (int b = 0; b < batch; b++) {
        int z = (b * steps + t) * width;
        int hb = b * hs;
        for (int k = 0; k < hs; k++) {
          double hk = h[hb + k];
          int w = k * width;
          for (int j = 0; j < width; j++) {
            gates[z + j] += hk * wh[w + j];
          }
        }
        for (int j = 0; j < 3 * hs; j++) {
          gates[z + j] = sigmoid(gates[z + j]);
        }
        for (int j = 3 * hs; j < width; j++) {
          gates[z + j] = tanh(gates[z + j]);
        }
        int o = (b * steps + t) * hs;
        for (int k = 0; k < hs; k++) {
          double ck = gates[z + hs + k] * c[hb + k] + gates[z + k] * gates[z + 3 * hs + k];
          double tc = tanh(ck);
          c[hb + k] = ck;
          h[hb + k] = gates[z + 2 * hs + k] * tc;
          cells[o + k] = ck;
          cellTanh[o + k] = tc;
          hiddens[o + k] = h[hb + k];
        }
      }
    }
  }

  /**
   * Backward through steps [from, to) in reverse. {@code dHiddens} is the loss gradient of each
   * step's output; {@code dh}, {@code dc} carry the state gradient from later steps in and leave
   * holding the gradient of the state before {@code from}, which was ({@code h0}, {@code c0}) when
   * {@code from} is 0 and the previous step's otherwise. Writes the pre-activation gate gradients
   * into {@code dGates} and accumulates dW_h into {@code dWh}.
   */
  void backward(
      double[] dHiddens,
      double[] dGates,
      double[] dh,
      double[] dc,
      double[] wh,
      double[] dWh,
      double[] h0,
      double[] c0,
      int from,
      int to) {
    int hs = hidden;
    double[] dhPrev = new double[hs];
    double[] whT = new double[wh.length];
    for (int k = 0; k < hs; k++) {
      for (int j = 0; j < width; j++) {
        whT[j * hs + k] = wh[k * width + j];
      }
    }
    for (int t = to - 1; t >= from; t--) {
      boolean first = t == 0;
      for (int b = 0; b < batch; b++) {
        int z = (b * steps + t) * width;
        int o = (b * steps + t) * hs;
        int prev = (b * steps + t - 1) * hs;
        int hb = b * hs;
        for (int k = 0; k < hs; k++) {
          double dhk = dHiddens[o + k] + dh[hb + k];
          double in = gates[z + k];
          double forget = gates[z + hs + k];
          double out = gates[z + 2 * hs + k];
          double cand = gates[z + 3 * hs + k];
          double tc = cellTanh[o + k];
          double cPrev = first ? c0[hb + k] : cells[prev + k];
          double dck = dc[hb + k] + dhk * out * (1 - tc * tc);
          dGates[z + k] = dck * cand * in * (1 - in);
          dGates[z + hs + k] = dck * cPrev * forget * (1 - forget);
          dGates[z + 2 * hs + k] = dhk * tc * out * (1 - out);
          dGates[z + 3 * hs + k] = dck * in * (1 - cand * cand);
          dc[hb + k] = dck * forget;
        }
        // dh_prev = dz · W_hᵀ, row by row of W_hᵀ so that the inner loop is an axpy
        Arrays.fill(dhPrev, 0);
        for (int j = 0; j < width; j++) {
          double dz = dGates[z + j];
          int w = j * hs;
          for (int k = 0; k < hs; k++) {
            dhPrev[k] += dz * whT[w + k];
          }
        }
        // dW_h += h_prevᵀ · dz
        for (int k = 0; k < hs; k++) {
          double hPrev = first ? h0[hb + k] : hiddens[prev + k];
          int w = k * width;
          for (int j = 0; j < width; j++) {
            dWh[w + j] += hPrev * dGates[z + j];
          }
        }
        System.arraycopy(dhPrev, 0, dh, hb, hs);
      }
    }
  }

  private static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  /** tanh from the intrinsic exp: Math.tanh is the much slower fdlibm port. */
  private static double tanh(double x) {
    return 1.0 - 2.0 / (1.0 + Math.exp(2 * x));
  }
}
