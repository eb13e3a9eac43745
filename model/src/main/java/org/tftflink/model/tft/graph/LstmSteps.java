package org.tftflink.model.tft.graph;

import java.util.Arrays;

/**
 * The activations of one LSTM layer over a batch of windows, and the step-by-step arithmetic over
 * them: the forward recurrence, which turns input projections into gates, cell states and hidden
 * states, and its backward pass. Arrays are window-major: element {@code (b, t, j)} of a width-w
 * array is at {@code (b * steps + t) * w + j}. Gate blocks are input | forget | output | candidate.
 */
final class LstmSteps {
  /**
   * Windows from which each step's recurrent products run as one native GEMM over the batch ({@link
   * StepProduct}); below it, Java loops row by row cost less than the call.
   */
  static final int GEMM_BATCH = 8;

  private final int batch;
  private final int steps;
  private final int hidden;
  private final int width;
  // gates before activation on entry to forward (the input projections), after it on exit
  final double[] gates;
  final double[] cells;
  final double[] cellTanh;
  final double[] hiddens;
  // forward passes these arrays have held, so that a backward pass can tell its own from a later
  // one
  long passes;

  private final boolean byGemm;

  LstmSteps(int batch, int steps, int hidden) {
    this(batch, steps, hidden, batch >= GEMM_BATCH);
  }

  /** With {@code byGemm}, the recurrent products run as native GEMMs whatever the batch. */
  LstmSteps(int batch, int steps, int hidden, boolean byGemm) {
    this.byGemm = byGemm;
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
   * Whether these arrays hold {@code batch} windows of {@code steps} steps of width {@code hidden}.
   */
  boolean fits(int batch, int steps, int hidden) {
    return this.batch == batch && this.steps == steps && this.hidden == hidden;
  }

  /**
   * Steps [from, to) with recurrent weights {@code wh} {@code [H, 4H]}: adds h·W_h to each step's
   * projection, applies the gates and writes c, tanh(c) and h. {@code h}, {@code c} ({@code [B,
   * H]}) carry the state in and out.
   */
  void forward(double[] wh, double[] h, double[] c, int from, int to) {
    int hs = hidden;
    StepProduct products = byGemm ? new StepProduct(batch, hs, wh) : null;
    double[] product = products == null ? null : new double[batch * width];
    for (int t = from; t < to; t++) {
      if (products != null) {
        products.forward(h, product);
      }
      for (int b = 0; b < batch; b++) {
        int z = (b * steps + t) * width;
        int hb = b * hs;
        if (products != null) {
          int pb = b * width;
          for (int j = 0; j < width; j++) {
            gates[z + j] += product[pb + j];
          }
        } else {
          for (int k = 0; k < hs; k++) {
            double hk = h[hb + k];
            int w = k * width;
            for (int j = 0; j < width; j++) {
              gates[z + j] += hk * wh[w + j];
            }
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
    if (byGemm) {
      backwardByGemm(dHiddens, dGates, dh, dc, wh, dWh, h0, c0, from, to);
      return;
    }
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
        gateGradients(dHiddens, dGates, dh, dc, c0, first, z, o, prev, hb);
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

  /** {@link #backward} with each step's two recurrent products as GEMMs over the whole batch. */
  private void backwardByGemm(
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
    StepProduct products = new StepProduct(batch, hs, wh);
    double[] dz = new double[batch * width];
    double[] hPrev = new double[batch * hs];
    for (int t = to - 1; t >= from; t--) {
      boolean first = t == 0;
      for (int b = 0; b < batch; b++) {
        int z = (b * steps + t) * width;
        int o = (b * steps + t) * hs;
        int prev = (b * steps + t - 1) * hs;
        int hb = b * hs;
        gateGradients(dHiddens, dGates, dh, dc, c0, first, z, o, prev, hb);
        System.arraycopy(dGates, z, dz, b * width, width);
        System.arraycopy(first ? h0 : hiddens, first ? hb : prev, hPrev, hb, hs);
      }
      products.backward(dz, hPrev, dh);
    }
    products.recurrentGradient(dWh);
  }

  /**
   * The pre-activation gate gradients of step (b, t) into {@code dGates}, from the output's and the
   * later state's gradients, and the cell-state gradient carried back into {@code dc}.
   */
  private void gateGradients(
      double[] dHiddens,
      double[] dGates,
      double[] dh,
      double[] dc,
      double[] c0,
      boolean first,
      int z,
      int o,
      int prev,
      int hb) {
    int hs = hidden;
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
  }

  private static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  /** tanh from the intrinsic exp: Math.tanh is the much slower fdlibm port. */
  private static double tanh(double x) {
    return 1.0 - 2.0 / (1.0 + Math.exp(2 * x));
  }
}
