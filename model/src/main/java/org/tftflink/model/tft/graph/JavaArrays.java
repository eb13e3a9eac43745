package org.tftflink.model.tft.graph;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between ND4J arrays and Java {@code double[]} by one memcpy of the native buffer. Each
 * copy fences its array ({@link Reference#reachabilityFence}): the pointer holds only the address,
 * and an array its caller no longer uses could otherwise be collected and freed during the copy.
 *
 * <p>Why: {@code DataBuffer.asDouble()} reads element by element through an indexer (7.6 ms for a
 * [12288, 128] array, against 1.9 ms), and {@code Nd4j.create(double[], ...)} does the same the
 * other way; the LSTM's recurrence moves arrays of that size in and out at every training step.
 */
public final class JavaArrays {
  private JavaArrays() {}

  /**
   * The values of {@code a} in row-major order, in double precision; a float array is read and
   * widened in Java, with no ND4J op (a cast is one, about 10 µs however small the array).
   */
  public static double[] values(INDArray a) {
    return values(a, false);
  }

  /**
   * {@link #values} into an array of {@link JavaScratch}: inside a scratch scope it is reused after
   * the scope, so it must not outlive it.
   */
  public static double[] scratchValues(INDArray a) {
    return values(a, true);
  }

  private static double[] values(INDArray a, boolean scratch) {
    int length = (int) a.length();
    double[] v = scratch ? JavaScratch.doubles(length) : new double[length];
    if (a.dataType() == DataType.FLOAT && whole(a)) {
      // the float copy is used only here
      float[] f = JavaScratch.floats(length);
      new FloatPointer(a.data().addressPointer()).get(f, 0, length);
      Reference.reachabilityFence(a);
      for (int i = 0; i < length; i++) {
        v[i] = f[i];
      }
      return v;
    }
    into(doubles(a), v, 0, 0, length);
    return v;
  }

  /**
   * A new array of {@code type} (double or float) and {@code shape} holding {@code values}; a float
   * array is narrowed in Java, with no ND4J op.
   */
  public static INDArray array(double[] values, DataType type, long... shape) {
    if (type == DataType.DOUBLE) {
      return array(values, shape);
    }
    if (type != DataType.FLOAT) {
      return array(values, shape).castTo(type);
    }
    INDArray a = uninitialized(DataType.FLOAT, values.length, shape);
    // the float copy is used only here
    float[] f = JavaScratch.floats(values.length);
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    new FloatPointer(a.data().addressPointer()).put(f, 0, f.length);
    Reference.reachabilityFence(a);
    return a;
  }

  /**
   * Copies {@code length} values of {@code a} (row-major, double precision) from element {@code
   * from} into {@code into} at {@code offset}.
   */
  public static void into(INDArray a, double[] into, long from, int offset, int length) {
    INDArray d = doubles(a);
    DoublePointer p = new DoublePointer(d.data().addressPointer());
    p.position(from).get(into, offset, length);
    Reference.reachabilityFence(d);
  }

  /** A new double-precision array of {@code shape} holding {@code values} in row-major order. */
  public static INDArray array(double[] values, long... shape) {
    INDArray a = uninitialized(DataType.DOUBLE, values.length, shape);
    new DoublePointer(a.data().addressPointer()).put(values, 0, values.length);
    Reference.reachabilityFence(a);
    return a;
  }

  /** A new array of {@code type} and {@code shape}, which must hold {@code length} values. */
  private static INDArray uninitialized(DataType type, int length, long... shape) {
    INDArray a = Nd4j.createUninitialized(type, shape);
    if (a.length() != length) {
      throw new IllegalArgumentException(length + " values for shape of length " + a.length());
    }
    return a;
  }

  /** {@code a} as a double-precision, row-major array that starts at its buffer's start. */
  private static INDArray doubles(INDArray a) {
    INDArray d = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
    return whole(d) ? d : d.dup('c');
  }

  /** Whether {@code a} is the whole of its buffer, in row-major order. */
  private static boolean whole(INDArray a) {
    return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
  }
}
