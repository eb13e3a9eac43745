package org.tftflink.model.online.sample;

import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/** Small matured samples for the unit tests: 4 history steps, horizon 2, quantiles 0.1/0.5/0.9. */
final class Samples {
  static final double[] QUANTILES = {0.1, 0.5, 0.9};

  private Samples() {}

  /** A sample whose served band is {@code [p50 - half, p50 + half]} at every step. */
  static MaturedSample of(String host, long originMs, double actual, double p50, double half) {
    TftWindow w =
        new TftWindow(
            new double[][] {{1}, {2}, {3}, {4}},
            new double[6][0],
            new String[] {host},
            new double[0]);
    double[][] served = {{p50 - half, p50, p50 + half}, {p50 - half, p50, p50 + half}};
    return new MaturedSample(
        host, originMs, new TrainingSample(w, new double[] {actual, actual}), served, 1);
  }
}
