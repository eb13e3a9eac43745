package org.tftflink.model.tft.graph;

/**
 * Row-wise arithmetic of the TFT's blocks on Java arrays in double precision (row-major {@code [n,
 * width]}), for the passes over a few rows where ND4J's fixed cost per op exceeds the arithmetic.
 */
public final class JavaRows {
  /** PyTorch's layer-norm epsilon, as in the graph. */
  public static final double EPSILON = 1e-5;

  private JavaRows() {}

  /**
   * {@code x[n, k] · W + b}: {@code x} from {@code xOffset}, {@code W [k, width]} from {@code
   * wOffset}, {@code b [width]} from {@code bOffset} or none when null; into an array of {@link
   * JavaScratch} (reused after a scratch scope: it must not outlive it).
   */
  public static double[] dense(
      double[] x,
      int xOffset,
      int n,
      int k,
      double[] w,
      int wOffset,
      double[] b,
      int bOffset,
      int width) {
    double[] y = b == null ? JavaScratch.zeros(n * width) : JavaScratch.doubles(n * width);
    for (int r = 0; r < n; r++) {
      int yo = r * width;
      if (b != null) {
        System.arraycopy(b, bOffset, y, yo, width);
      }
      for (int i = 0; i < k; i++) {
        double a = x[xOffset + r * k + i];
        int wi = wOffset + i * width;
        for (int j = 0; j < width; j++) {
          y[yo + j] += a * w[wi + j];
        }
      }
    }
    return y;
  }

  /** ELU with α = 1, in place. */
  public static void elu(double[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] > 0 ? v[i] : Math.expm1(v[i]);
    }
  }

  /**
   * {@code value ∘ σ(gate) + residual} into {@code value} (the GLU and the add of gate-add-norm).
   */
  public static void gateAdd(double[] value, double[] gate, double[] residual, int residualOffset) {
    for (int i = 0; i < value.length; i++) {
      value[i] = value[i] / (1 + Math.exp(-gate[i])) + residual[residualOffset + i];
    }
  }

  /**
   * Layer norm of each row of {@code v [n, width]} in place: {@code (v - μ) / √(σ² + ε) · g + b}.
   */
  public static void layerNorm(double[] v, int n, int width, double[] gain, double[] bias) {
    for (int r = 0; r < n; r++) {
      int o = r * width;
      double mean = 0;
      for (int j = 0; j < width; j++) {
        mean += v[o + j];
      }
      mean /= width;
      double variance = 0;
      for (int j = 0; j < width; j++) {
        double d = v[o + j] - mean;
        v[o + j] = d;
        variance += d * d;
      }
      double inverseStd = 1 / Math.sqrt(variance / width + EPSILON);
      for (int j = 0; j < width; j++) {
        v[o + j] = v[o + j] * inverseStd * gain[j] + bias[j];
      }
    }
  }
}
