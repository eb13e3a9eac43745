package org.tftflink.model.tft.graph;

/**
 * The elementwise chains of {@link PerVariableGrns} as Java loops over row tiles: forward, the GLU
 * product, the residual add, the shared layer norm and the selection-weighted sum; backward, the
 * weighting, the layer norm and the GLU's two gradients; and ELU's derivative. Each reads and
 * writes its arrays once, where the ND4J ops it replaces made a full pass per step (about 25 passes
 * over {@code [variables, B*T, hidden]} arrays per training step).
 *
 * <p>Arrays are {@code [variables, n, out]} (a variable's rows contiguous), the weights {@code [n,
 * variables]}; all are whole row-major buffers ({@link RowTiles#of}). Sums run in double precision.
 */
public final class SelectionKernels {
  private SelectionKernels() {}

  /**
   * Per variable v and row: {@code g = value ∘ gate} (stored over value), {@code r = skip + g},
   * {@code n̂ = (r - μ) / sqrt(σ² + ε)} (stored in {@code normed}, which may be {@code skip}), its
   * {@code 1 / sqrt(σ² + ε)} in {@code inverseStd [variables, n]}; and {@code selected [n, out] =
   * Σ_v w_v (n̂ ∘ gain + bias)}; {@code weights} null weighs every variable 1 (a single
   * gate-add-norm). With {@code normed} null (a forward pass that no backward pass follows; {@code
   * inverseStd} null too) only {@code selected} is written.
   */
  public static void forward(
      int variables,
      long n,
      int out,
      RowTiles gate,
      RowTiles valueToGated,
      RowTiles skip,
      RowTiles normed,
      RowTiles inverseStd,
      double[] gain,
      double[] bias,
      double epsilon,
      RowTiles weights,
      RowTiles selected) {
    int tile = (int) Math.min(RowTiles.TILE_ROWS, n);
    // tiles used only in this call: reused across inference passes (JavaScratch)
    double[] g = JavaScratch.doubles(tile * out);
    double[] val = JavaScratch.doubles(tile * out);
    double[] r = JavaScratch.doubles(tile * out);
    double[] acc = JavaScratch.doubles(tile * out);
    double[] w = JavaScratch.doubles(tile * variables);
    double[] inv = JavaScratch.doubles(tile);
    for (long r0 = 0; r0 < n; r0 += tile) {
      int k = (int) Math.min(tile, n - r0);
      int len = k * out;
      java.util.Arrays.fill(acc, 0, len, 0.0);
      if (weights != null) {
        weights.get(r0 * variables, w, k * variables);
      }
      for (int v = 0; v < variables; v++) {
        long base = ((long) v * n + r0) * out;
        gate.get(base, g, len);
        valueToGated.get(base, val, len);
        skip.get(base, r, len);
        for (int row = 0; row < k; row++) {
          int o = row * out;
          double sum = 0;
          for (int j = 0; j < out; j++) {
            double p = val[o + j] * g[o + j];
            val[o + j] = p;
            double x = r[o + j] + p;
            r[o + j] = x;
            sum += x;
          }
          double mean = sum / out;
          double squares = 0;
          for (int j = 0; j < out; j++) {
            double c = r[o + j] - mean;
            r[o + j] = c;
            squares += c * c;
          }
          double is = 1.0 / Math.sqrt(squares / out + epsilon);
          inv[row] = is;
          double wv = weights == null ? 1 : w[row * variables + v];
          for (int j = 0; j < out; j++) {
            double nr = r[o + j] * is;
            r[o + j] = nr;
            acc[o + j] += wv * (nr * gain[j] + bias[j]);
          }
        }
        if (normed != null) {
          valueToGated.put(base, val, len);
          normed.put(base, r, len);
          inverseStd.put((long) v * n + r0, inv, k);
        }
      }
      selected.put(r0 * out, acc, len);
    }
  }

  /**
   * Back from {@code dOut [n, out]} through the weighted sum, the layer norm and the GLU: the
   * selection weights' gradient into {@code dWeights [n, variables]} (both null: weights of 1, no
   * gradient), the norm's gain and bias gradients added into {@code dGain} and {@code dBias}, and
   * per variable the residual's gradient {@code dr}, {@code dGate = dr ∘ g ∘ (1 - σ)} and {@code
   * dValue = dr ∘ σ} ({@code gate} holds σ, {@code gated} g), with each one's column sums per
   * variable ({@code [variables * out]}, the biases' gradients) added into {@code drSums}, {@code
   * dGateSums} and {@code dValueSums}.
   */
  public static void backward(
      int variables,
      long n,
      int out,
      RowTiles dOut,
      RowTiles weights,
      RowTiles normed,
      RowTiles inverseStd,
      RowTiles gate,
      RowTiles gated,
      double[] gain,
      double[] bias,
      RowTiles dWeights,
      double[] dGain,
      double[] dBias,
      RowTiles dr,
      RowTiles dGate,
      RowTiles dValue,
      double[] drSums,
      double[] dGateSums,
      double[] dValueSums) {
    int tile = (int) Math.min(RowTiles.TILE_ROWS, n);
    double[] d = new double[tile * out];
    double[] nr = new double[tile * out];
    double[] g = new double[tile * out];
    double[] gd = new double[tile * out];
    double[] dn = new double[tile * out];
    double[] w = new double[tile * variables];
    double[] dw = new double[tile * variables];
    double[] inv = new double[tile];
    for (long r0 = 0; r0 < n; r0 += tile) {
      int k = (int) Math.min(tile, n - r0);
      int len = k * out;
      dOut.get(r0 * out, d, len);
      if (weights != null) {
        weights.get(r0 * variables, w, k * variables);
      }
      for (int v = 0; v < variables; v++) {
        long base = ((long) v * n + r0) * out;
        normed.get(base, nr, len);
        gate.get(base, g, len);
        gated.get(base, gd, len);
        inverseStd.get((long) v * n + r0, inv, k);
        for (int row = 0; row < k; row++) {
          int o = row * out;
          double wv = weights == null ? 1 : w[row * variables + v];
          double dwv = 0;
          double sumDn = 0;
          double sumDnN = 0;
          for (int j = 0; j < out; j++) {
            double x = nr[o + j];
            dwv += d[o + j] * (x * gain[j] + bias[j]);
            double dy = wv * d[o + j];
            dGain[j] += dy * x;
            dBias[j] += dy;
            double t = dy * gain[j];
            dn[o + j] = t;
            sumDn += t;
            sumDnN += t * x;
          }
          dw[row * variables + v] = dwv;
          double m1 = sumDn / out;
          double m2 = sumDnN / out;
          double is = inv[row];
          int so = v * out;
          for (int j = 0; j < out; j++) {
            double drj = (dn[o + j] - m1 - nr[o + j] * m2) * is;
            double s = g[o + j];
            double dg = drj * gd[o + j] * (1 - s);
            double dv = drj * s;
            dn[o + j] = drj;
            gd[o + j] = dg;
            g[o + j] = dv;
            drSums[so + j] += drj;
            dGateSums[so + j] += dg;
            dValueSums[so + j] += dv;
          }
        }
        dr.put(base, dn, len);
        dGate.put(base, gd, len);
        dValue.put(base, g, len);
      }
      if (dWeights != null) {
        dWeights.put(r0 * variables, dw, k * variables);
      }
    }
  }

  /** {@code d ∘= ELU'(at the ELU output e)}, i.e. {@code e + 1} where {@code e < 0}, else 1. */
  public static void eluBackward(RowTiles d, RowTiles e, long length) {
    int chunk = (int) Math.min(RowTiles.TILE_ROWS * 32, length);
    double[] dv = new double[chunk];
    double[] ev = new double[chunk];
    for (long i0 = 0; i0 < length; i0 += chunk) {
      int len = (int) Math.min(chunk, length - i0);
      d.get(i0, dv, len);
      e.get(i0, ev, len);
      for (int i = 0; i < len; i++) {
        double x = ev[i];
        if (x < 0) {
          dv[i] *= x + 1;
        }
      }
      d.put(i0, dv, len);
    }
  }
}
