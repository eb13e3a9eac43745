package org.tftflink.model.tft;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random windows and tiny configurations for tests. */
public final class TestWindows {
  private TestWindows() {}

  /** A tiny config exercising every input kind, in DOUBLE for gradient checks. */
  public static TftConfig tinyConfig() {
    return TftConfig.builder()
        .hiddenSize(4)
        .attentionHeads(2)
        .hiddenContinuousSize(2)
        .encoderLength(4)
        .horizon(2)
        .observedReals(2)
        .knownReals(1)
        .staticCategoricals(1)
        .hashBuckets(5)
        .staticReals(1)
        .dropout(0.1)
        .dataType("DOUBLE")
        .seed(5)
        .build();
  }

  public static TftWindow window(TftConfig c, Random r) {
    double[][] observed = new double[c.encoderLength()][c.observedReals()];
    for (double[] row : observed) {
      for (int j = 0; j < row.length; j++) {
        row[j] = 10 + 3 * r.nextGaussian();
      }
    }
    double[][] known = new double[c.totalLength()][c.knownReals()];
    for (int t = 0; t < known.length; t++) {
      for (int k = 0; k < c.knownReals(); k++) {
        known[t][k] = (t + k) % 24;
      }
    }
    String[] cats = new String[c.staticCategoricals()];
    for (int j = 0; j < cats.length; j++) {
      cats[j] = "host-" + r.nextInt(3);
    }
    double[] reals = new double[c.staticReals()];
    for (int j = 0; j < reals.length; j++) {
      reals[j] = r.nextGaussian();
    }
    return new TftWindow(observed, known, cats, reals);
  }

  public static List<TftWindow> windows(TftConfig c, int n, long seed) {
    Random r = new Random(seed);
    List<TftWindow> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add(window(c, r));
    }
    return w;
  }

  public static List<double[]> futures(TftConfig c, int n, long seed) {
    Random r = new Random(seed);
    List<double[]> f = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] y = new double[c.horizon()];
      for (int t = 0; t < y.length; t++) {
        y[t] = 10 + 3 * r.nextGaussian();
      }
      f.add(y);
    }
    return f;
  }
}
