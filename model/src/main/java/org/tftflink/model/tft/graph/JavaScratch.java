package org.tftflink.model.tft.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Java arrays for the small-rows loops of an inference pass ({@link JavaArrays}' copies, {@link
 * JavaRows}' products), reused from pass to pass on the same thread: inside {@link #scoped} an
 * array handed out stays valid until the outermost scope ends, then goes back to this thread's pool
 * for the next pass; outside of a scope every request is a new array.
 *
 * <p>Why: a batch-1 forward pass copied every weight it multiplied and every activation into new
 * {@code double[]} and {@code float[]}, 2.4 MB of heap per call (JFR allocation samples of {@code
 * LatencyProbe pf 1}: 45% in {@code JavaArrays.values}, 10% in {@code JavaRows.dense}), a young
 * collection every 94 calls, and the collection (25 ms) was the batch-1 p99. The weights must still
 * be copied at each pass (training changes them in place between passes), but into the same arrays.
 *
 * <p>Nothing handed out may outlive the scope it was taken in: the loops copy their results into
 * ND4J arrays before they return. The pool keeps arrays of at most {@link #MAX_POOLED} values and
 * {@link #MAX_POOL_VALUES} values in all per thread; beyond that, arrays are dropped to the
 * collector as before.
 */
public final class JavaScratch {
  /** The largest array, in values, that goes back to the pool. */
  static final int MAX_POOLED = 1 << 16;

  /** Values a thread's pool holds at most (8 MB of doubles). */
  static final long MAX_POOL_VALUES = 1 << 20;

  private static final ThreadLocal<JavaScratch> THREAD = ThreadLocal.withInitial(JavaScratch::new);

  private final Map<Integer, ArrayDeque<double[]>> freeDoubles = new HashMap<>();
  private final Map<Integer, ArrayDeque<float[]>> freeFloats = new HashMap<>();
  private final List<double[]> takenDoubles = new ArrayList<>();
  private final List<float[]> takenFloats = new ArrayList<>();
  private long pooledValues;
  private int depth;

  private JavaScratch() {}

  /**
   * Runs {@code body} with this thread's pool: arrays taken during it are reused after the
   * outermost scope ends.
   */
  public static <T> T scoped(Supplier<T> body) {
    JavaScratch s = THREAD.get();
    s.depth++;
    try {
      return body.get();
    } finally {
      if (--s.depth == 0) {
        s.release();
      }
    }
  }

  /** A {@code double[length]} of any content (the caller overwrites every value). */
  public static double[] doubles(int length) {
    JavaScratch s = THREAD.get();
    if (s.depth == 0 || length > MAX_POOLED) {
      return new double[length];
    }
    ArrayDeque<double[]> free = s.freeDoubles.get(length);
    double[] a = free == null || free.isEmpty() ? new double[length] : s.reused(free.pop());
    s.takenDoubles.add(a);
    return a;
  }

  /** A {@code double[length]} of zeros. */
  public static double[] zeros(int length) {
    double[] a = doubles(length);
    Arrays.fill(a, 0);
    return a;
  }

  /** A {@code float[length]} of any content (the caller overwrites every value). */
  public static float[] floats(int length) {
    JavaScratch s = THREAD.get();
    if (s.depth == 0 || length > MAX_POOLED) {
      return new float[length];
    }
    ArrayDeque<float[]> free = s.freeFloats.get(length);
    float[] a = free == null || free.isEmpty() ? new float[length] : s.reused(free.pop());
    s.takenFloats.add(a);
    return a;
  }

  /** Values this thread's pool holds now, free to reuse. */
  static long pooledValues() {
    return THREAD.get().pooledValues;
  }

  private double[] reused(double[] a) {
    pooledValues -= a.length;
    return a;
  }

  private float[] reused(float[] a) {
    pooledValues -= a.length;
    return a;
  }

  private void release() {
    for (double[] a : takenDoubles) {
      if (pooledValues + a.length <= MAX_POOL_VALUES) {
        freeDoubles.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
        pooledValues += a.length;
      }
    }
    for (float[] a : takenFloats) {
      if (pooledValues + a.length <= MAX_POOL_VALUES) {
        freeFloats.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
        pooledValues += a.length;
      }
    }
    takenDoubles.clear();
    takenFloats.clear();
  }
}
