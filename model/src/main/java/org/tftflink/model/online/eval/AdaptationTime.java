package org.tftflink.model.online.eval;

import java.util.OptionalInt;

/**
 * Steps until a method's error is back to its pre-drift level after a drift marker (DESIGN section
 * 4): the pre-drift level is the mean error over the {@code preWindow} origins before the marker;
 * the method has adapted {@code k} steps after the marker when the mean error over the {@code
 * window} origins starting there is within {@code factor} times that level. Looking forward over a
 * whole window, rather than at one step, keeps one lucky forecast from counting as recovery.
 */
public final class AdaptationTime {
  private AdaptationTime() {}

  /**
   * @param errors one error per origin (e.g. the mean absolute error of its horizon), NaN where not
   *     scored
   * @param marker the origin index of the drift marker
   * @return the number of steps, or empty when the pre-drift level is unknown (too few scored
   *     origins before the marker) or the error never returns before the series ends
   */
  public static OptionalInt steps(
      double[] errors, int marker, int window, int preWindow, double factor) {
    if (window < 1 || preWindow < 1 || factor <= 0) {
      throw new IllegalArgumentException(
          "window and preWindow must be >= 1 and factor > 0, got "
              + window
              + ", "
              + preWindow
              + ", "
              + factor);
    }
    double pre = mean(errors, marker - preWindow, marker);
    if (Double.isNaN(pre)) {
      return OptionalInt.empty();
    }
    for (int k = 0; marker + k + window <= errors.length; k++) {
      double post = mean(errors, marker + k, marker + k + window);
      if (!Double.isNaN(post) && post <= factor * pre) {
        return OptionalInt.of(k);
      }
    }
    return OptionalInt.empty();
  }

  /** The mean error over the {@code preWindow} origins before the marker; NaN if none scored. */
  public static double preDriftLevel(double[] errors, int marker, int preWindow) {
    return mean(errors, marker - preWindow, marker);
  }

  /** Mean of the non-NaN values in {@code [from, to)}, clipped to the array; NaN when none. */
  static double mean(double[] v, int from, int to) {
    double s = 0;
    int n = 0;
    for (int i = Math.max(0, from); i < Math.min(v.length, to); i++) {
      if (!Double.isNaN(v[i])) {
        s += v[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
