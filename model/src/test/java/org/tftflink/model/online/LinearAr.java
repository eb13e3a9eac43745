package org.tftflink.model.online;

/**
 * A small real forecaster for the learning core's tests: per horizon step and quantile, a linear
 * function of the last {@code lags} target values (divided by a fixed scale) plus a bias.
 *
 * @param w {@code [horizon][quantile][lags + 1]}, the last entry is the bias
 * @param scale the training scale (targets are divided by it)
 */
record LinearAr(double[][][] w, double scale) {
  int lags() {
    return w[0][0].length - 1;
  }

  LinearAr copy() {
    double[][][] c = new double[w.length][][];
    for (int h = 0; h < w.length; h++) {
      c[h] = new double[w[h].length][];
      for (int q = 0; q < w[h].length; q++) {
        c[h][q] = w[h][q].clone();
      }
    }
    return new LinearAr(c, scale);
  }
}
