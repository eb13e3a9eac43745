package org.tftflink.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectionTest {

  /** Reference: sort, then interpolate between neighbouring order statistics (type 7). */
  private static double sortedQuantile(double[] data, double level) {
    double[] s = data.clone();
    Arrays.sort(s);
    double pos = level * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  @Test
  void shouldMatchType7QuantilesOfSmallKnownData() {
    double[] data = {5, 1, 4, 2, 3};
    assertThat(Selection.quantile(data.clone(), 0.5)).isEqualTo(3);
    assertThat(Selection.quantile(data.clone(), 0.1)).isCloseTo(1.4, within(1e-12));
    assertThat(Selection.quantile(data.clone(), 0.9)).isCloseTo(4.6, within(1e-12));
  }

  @Test
  void shouldMatchSortingOnRandomDataWithTiesSortedAndReversedRuns() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 2_000; trial++) {
      int n = 1 + rnd.nextInt(300);
      double[] data = new double[n];
      int kind = trial % 4;
      for (int i = 0; i < n; i++) {
        data[i] =
            switch (kind) {
              case 0 -> rnd.nextGaussian();
              case 1 -> rnd.nextInt(5); // many ties
              case 2 -> i; // sorted
              default -> n - i; // reversed
            };
      }
      for (double level : new double[] {0.01, 0.1, 0.5, 0.9, 0.99}) {
        assertThat(Selection.quantile(data.clone(), level))
            .as("n=%d kind=%d level=%s", n, kind, level)
            .isCloseTo(sortedQuantile(data, level), within(1e-12));
      }
    }
  }
}
