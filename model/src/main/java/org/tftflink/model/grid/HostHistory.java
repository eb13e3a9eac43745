package org.tftflink.model.grid;

/**
 * The last {@code capacity} finalized steps of one host, oldest first, as a ring buffer: one value
 * per column (target, then covariates) and a missing flag per value. A value that was not observed
 * holds the last observed value of its column (carried forward) and is flagged missing, which is
 * what both the baseline and the TFT's missing-value indicators consume.
 *
 * <p>A plain POJO with public fields so that Flink's POJO serializer (which supports adding fields
 * in a later version) stores it; the layout is part of the savepoint format.
 */
public class HostHistory {

  public int capacity;
  public int columns;

  /** Ring of {@code capacity * columns} values; slot {@code (start + i) % capacity} is row i. */
  public float[] values;

  /** 1 where the value at the same index was imputed rather than observed. */
  public byte[] missing;

  /** Index of the oldest row in the ring. */
  public int start;

  /** Number of rows held (at most {@code capacity}). */
  public int size;

  /** Step index of the newest row; meaningless while {@code size == 0}. */
  public long lastStep;

  /** Consecutive imputed steps at the end of the history (0 after an observed step). */
  public int missingRun;

  /** Static tags of the host's latest event, flattened as sorted key, value pairs. */
  public String[] tags = new String[0];

  public HostHistory() {}

  public HostHistory(int capacity, int columns) {
    if (capacity < 1 || columns < 1) {
      throw new IllegalArgumentException("capacity and columns must be >= 1");
    }
    this.capacity = capacity;
    this.columns = columns;
    this.values = new float[capacity * columns];
    this.missing = new byte[capacity * columns];
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * Appends the observed row of {@code step} (NaN = column not observed in this step). The step
   * must directly follow {@link #lastStep}; gaps are imputed one step at a time with {@link
   * #imputeNext()}.
   */
  public void appendObserved(long step, double[] row) {
    if (row.length != columns) {
      throw new IllegalArgumentException("row has " + row.length + " values, expected " + columns);
    }
    if (size > 0 && step != lastStep + 1) {
      throw new IllegalStateException("step " + step + " does not follow step " + lastStep);
    }
    int previous = size == 0 ? -1 : slotOf(size - 1);
    int slot = nextSlot();
    for (int c = 0; c < columns; c++) {
      double v = row[c];
      if (Double.isNaN(v)) {
        values[slot * columns + c] = previous < 0 ? 0f : values[previous * columns + c];
        missing[slot * columns + c] = 1;
      } else {
        values[slot * columns + c] = (float) v;
        missing[slot * columns + c] = 0;
      }
    }
    lastStep = step;
    missingRun = 0;
  }

  /**
   * Appends the step after {@link #lastStep} with every column carried forward and flagged missing.
   */
  public void imputeNext() {
    if (size == 0) {
      throw new IllegalStateException("cannot impute a step into an empty history");
    }
    int previous = slotOf(size - 1);
    int slot = nextSlot();
    for (int c = 0; c < columns; c++) {
      values[slot * columns + c] = values[previous * columns + c];
      missing[slot * columns + c] = 1;
    }
    lastStep++;
    missingRun++;
  }

  /**
   * Enlarges the ring to {@code newCapacity} rows, keeping every row, flag and step; a no-op if it
   * is already that large. Migrates histories restored from a savepoint whose ring was sized for a
   * smaller need (layout 3 held {@code max(encoder, baseline)} rows, a matured training sample
   * needs {@code encoder + horizon}).
   */
  public void growTo(int newCapacity) {
    if (newCapacity <= capacity) {
      return;
    }
    float[] v = new float[newCapacity * columns];
    byte[] m = new byte[newCapacity * columns];
    for (int i = 0; i < size; i++) {
      int from = slotOf(i) * columns;
      System.arraycopy(values, from, v, i * columns, columns);
      System.arraycopy(missing, from, m, i * columns, columns);
    }
    values = v;
    missing = m;
    start = 0;
    capacity = newCapacity;
  }

  /** The value of {@code column} in row {@code i} (0 = oldest). */
  public float value(int i, int column) {
    return values[slotOf(i) * columns + column];
  }

  public boolean isMissing(int i, int column) {
    return missing[slotOf(i) * columns + column] != 0;
  }

  /**
   * Whether at least {@code steps} rows hold an observed (not imputed) value of the target, column
   * 0: the warm-up rule, so that a forecast is never made from a history of mostly carried-forward
   * values. Reads from the newest row and stops as soon as it has found {@code steps}.
   */
  public boolean hasObservedTarget(int steps) {
    int found = 0;
    for (int i = size - 1; i >= 0 && found < steps; i--) {
      if (!isMissing(i, 0)) {
        found++;
      }
    }
    return found >= steps;
  }

  /** Copies a column, oldest first, into {@code dst[0..size)}. */
  public void copyColumn(int column, double[] dst) {
    for (int i = 0; i < size; i++) {
      dst[i] = value(i, column);
    }
  }

  /** The step index of row {@code i}. */
  public long stepOfRow(int i) {
    return lastStep - (size - 1 - i);
  }

  private int nextSlot() {
    int slot;
    if (size < capacity) {
      slot = (start + size) % capacity;
      size++;
    } else {
      slot = start;
      start = (start + 1) % capacity;
    }
    return slot;
  }

  private int slotOf(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("row " + i + " of " + size);
    }
    return (start + i) % capacity;
  }
}
