package org.tftflink.model.grid;

import java.util.Arrays;

/**
 * The events of one host within one open step, kept until the step closes. Holds one row per
 * distinct timestamp so that exact duplicates can be resolved by rule; a plain POJO so that Flink
 * serializes it without Kryo.
 */
public class StepAccumulator {

  /** Distinct event timestamps, in arrival order. */
  public long[] timestamps = new long[0];

  /** Row-major values: {@code timestamps.length} rows of {@code columns} values (NaN = absent). */
  public double[] values = new double[0];

  public int columns;

  /** Static tags of the step's latest event (sorted key, value pairs), or null. */
  public String[] tags;

  public StepAccumulator() {}

  public StepAccumulator(int columns) {
    this.columns = columns;
  }

  /**
   * Adds one event's row.
   *
   * @return true when the timestamp was already present (a duplicate, resolved by {@code policy})
   */
  public boolean add(long timestamp, double[] row, StepGridConfig.DuplicatePolicy policy) {
    if (row.length != columns) {
      throw new IllegalArgumentException("row has " + row.length + " values, expected " + columns);
    }
    for (int i = 0; i < timestamps.length; i++) {
      if (timestamps[i] == timestamp) {
        if (policy == StepGridConfig.DuplicatePolicy.KEEP_LAST) {
          System.arraycopy(row, 0, values, i * columns, columns);
        }
        return true;
      }
    }
    int n = timestamps.length;
    timestamps = Arrays.copyOf(timestamps, n + 1);
    timestamps[n] = timestamp;
    values = Arrays.copyOf(values, (n + 1) * columns);
    System.arraycopy(row, 0, values, n * columns, columns);
    return false;
  }

  public int size() {
    return timestamps.length;
  }

  /** Combines the rows into one value per column; a column absent from every row is NaN. */
  public double[] aggregate(StepGridConfig.Aggregation aggregation) {
    double[] out = new double[columns];
    for (int c = 0; c < columns; c++) {
      out[c] = aggregateColumn(c, aggregation);
    }
    return out;
  }

  private double aggregateColumn(int c, StepGridConfig.Aggregation aggregation) {
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    double last = Double.NaN;
    long lastTs = Long.MIN_VALUE;
    int n = 0;
    for (int r = 0; r < timestamps.length; r++) {
      double v = values[r * columns + c];
      if (Double.isNaN(v)) {
        continue;
      }
      n++;
      sum += v;
      max = Math.max(max, v);
      if (timestamps[r] >= lastTs) {
        lastTs = timestamps[r];
        last = v;
      }
    }
    if (n == 0) {
      return Double.NaN;
    }
    return switch (aggregation) {
      case MEAN -> sum / n;
      case MAX -> max;
      case LAST -> last;
    };
  }
}
