package org.tftflink.model.tft.graph;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-major access to an ND4J array's native buffer in tiles of Java {@code double[]}: one memcpy
 * per tile, widened from (and narrowed back to) float for float arrays.
 *
 * <p>Why: the elementwise chains of the GRNs (GLU product, residual add, layer norm, selection
 * weighting, and their backward passes) were one ND4J op per step, each a full pass over arrays of
 * tens of megabytes at batch 128. Fused as Java loops over tiles that stay in the core's cache,
 * each chain reads and writes its arrays once.
 */
public final class RowTiles {
  /** Rows per tile: 512 rows of 32 values in a few arrays stay in L2. */
  public static final int TILE_ROWS = 512;

  // the pointers hold only the buffer's address: the array is kept (and fenced after each copy)
  // so that the collector cannot free its buffer while a tile is copied
  private final INDArray array;
  private final FloatPointer floats;
  private final DoublePointer doubles;
  private float[] narrow = new float[0];

  private RowTiles(INDArray array) {
    this.array = array;
    if (array.dataType() == DataType.FLOAT) {
      floats = new FloatPointer(array.data().addressPointer());
      doubles = null;
    } else if (array.dataType() == DataType.DOUBLE) {
      doubles = new DoublePointer(array.data().addressPointer());
      floats = null;
    } else {
      throw new IllegalArgumentException("float or double arrays only, got " + array.dataType());
    }
  }

  /** Tiles over {@code a}, which must be the whole of its buffer in row-major order. */
  public static RowTiles of(INDArray a) {
    if (!whole(a)) {
      throw new IllegalArgumentException("not a whole row-major buffer: " + a.shapeInfoToString());
    }
    return new RowTiles(a);
  }

  /** {@code a} itself when it is the whole of its buffer in row-major order, else a copy. */
  public static INDArray wholeOrCopy(INDArray a) {
    return whole(a) ? a : a.dup('c');
  }

  private static boolean whole(INDArray a) {
    return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
  }

  /** Reads {@code length} values from element {@code from} into {@code into[0, length)}. */
  void get(long from, double[] into, int length) {
    if (doubles != null) {
      doubles.position(from).get(into, 0, length);
    } else {
      float[] f = narrowBuffer(length);
      floats.position(from).get(f, 0, length);
      for (int i = 0; i < length; i++) {
        into[i] = f[i];
      }
    }
    Reference.reachabilityFence(array);
  }

  /** Writes {@code values[0, length)} at element {@code from}. */
  void put(long from, double[] values, int length) {
    if (doubles != null) {
      doubles.position(from).put(values, 0, length);
    } else {
      float[] f = narrowBuffer(length);
      for (int i = 0; i < length; i++) {
        f[i] = (float) values[i];
      }
      floats.position(from).put(f, 0, length);
    }
    Reference.reachabilityFence(array);
  }

  private float[] narrowBuffer(int length) {
    if (narrow.length < length) {
      // used only between this instance's copies: reused across inference passes (JavaScratch)
      narrow = JavaScratch.floats(length);
    }
    return narrow;
  }
}
