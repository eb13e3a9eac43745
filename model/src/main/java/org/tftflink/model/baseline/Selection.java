package org.tftflink.model.baseline;

/**
 * Empirical quantiles by selection rather than sorting: the baseline computes a few quantile levels
 * of short residual windows once per host per step, where a full sort was half of the pipeline's
 * CPU time (measured with JFR in the pipeline benchmark).
 */
final class Selection {

  private Selection() {}

  /**
   * The type-7 empirical quantile (linear interpolation between order statistics, numpy's default)
   * of {@code data}, which is reordered in place.
   */
  static double quantile(double[] data, double level) {
    int n = data.length;
    if (n == 0) {
      throw new IllegalArgumentException("no data");
    }
    if (n == 1) {
      return data[0];
    }
    double pos = level * (n - 1);
    int lo = (int) Math.floor(pos);
    double low = select(data, lo);
    if (lo + 1 >= n || pos == lo) {
      return low;
    }
    // after select, every element right of lo is >= data[lo]: the next order statistic is their
    // minimum
    double high = Double.POSITIVE_INFINITY;
    for (int i = lo + 1; i < n; i++) {
      high = Math.min(high, data[i]);
    }
    return low + (pos - lo) * (high - low);
  }

  /** Reorders {@code a} so that {@code a[k]} is its k-th smallest element (Hoare's quickselect). */
  static double select(double[] a, int k) {
    int left = 0;
    int right = a.length - 1;
    while (left < right) {
      // median of three as the pivot keeps sorted and reversed windows linear
      int mid = (left + right) >>> 1;
      double pivot = median(a[left], a[mid], a[right]);
      int i = left;
      int j = right;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        right = j;
      } else if (k >= i) {
        left = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static double median(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
