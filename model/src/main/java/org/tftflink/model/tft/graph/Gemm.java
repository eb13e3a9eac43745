package org.tftflink.model.tft.graph;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code c = α · op(a) · op(b) + β · c} as {@link Nd4j#gemm}, calling OpenBLAS's {@code
 * cblas_sgemm} / {@code cblas_dgemm} directly on the arrays' buffers where it can.
 *
 * <p>Why: {@code Nd4j.gemm} runs ND4J's matmul op, which builds an op context and copies its
 * integer and floating-point arguments into fresh native buffers, each with a javacpp deallocator
 * that only a garbage collection frees: tens of microseconds and three native allocations per call
 * before the same OpenBLAS kernel runs (ND4J's CPU backend links it: its own BLAS wrapper calls
 * these functions). The LSTM's step products call it hundreds of times per pass on {@code [B, 32]}
 * rows. Arrays that BLAS cannot take as they are (not rank 2, rows not unit-stride, mixed types,
 * another backend such as CUDA) go through {@code Nd4j.gemm} as before.
 */
public final class Gemm {
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;
  private static final MethodHandle SGEMM;
  private static final MethodHandle DGEMM;

  static {
    MethodHandle s = null;
    MethodHandle d = null;
    // looked up, not linked: the CUDA build has no OpenBLAS on its class path;
    // -Dtft.directGemm=false sends every product through Nd4j.gemm (a switch for diagnosis)
    if (Boolean.parseBoolean(System.getProperty("tft.directGemm", "true"))
        && Nd4j.getBackend()
            .getClass()
            .getName()
            .equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend")) {
      try {
        Class<?> blas = Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        s = lookup.findStatic(blas, "cblas_sgemm", type(float.class, FloatPointer.class));
        d = lookup.findStatic(blas, "cblas_dgemm", type(double.class, DoublePointer.class));
      } catch (ReflectiveOperationException | LinkageError e) {
        s = null;
        d = null;
      }
    }
    SGEMM = s;
    DGEMM = d;
  }

  private Gemm() {}

  private static MethodType type(Class<?> scalar, Class<?> pointer) {
    return MethodType.methodType(
        void.class,
        new Class<?>[] {
          int.class, int.class, int.class, int.class, int.class, int.class, scalar, pointer,
          int.class, pointer, int.class, scalar, pointer, int.class
        });
  }

  /** Whether calls go to OpenBLAS directly (the CPU backend). */
  static boolean direct() {
    return SGEMM != null;
  }

  /** {@code c = α · op(a) · op(b) + β · c}, {@code op} transposing when asked. */
  public static void gemm(
      INDArray a,
      INDArray b,
      INDArray c,
      boolean transposeA,
      boolean transposeB,
      double alpha,
      double beta) {
    if (!blasReady(a, b, c)) {
      Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
      return;
    }
    long m = c.size(0);
    long n = c.size(1);
    long k = transposeA ? a.size(0) : a.size(1);
    if ((transposeA ? a.size(1) : a.size(0)) != m
        || (transposeB ? b.size(1) : b.size(0)) != k
        || (transposeB ? b.size(0) : b.size(1)) != n) {
      throw new IllegalArgumentException(
          "gemm of "
              + shape(a, transposeA)
              + " and "
              + shape(b, transposeB)
              + " into "
              + shape(c, false));
    }
    int ta = transposeA ? TRANS : NO_TRANS;
    int tb = transposeB ? TRANS : NO_TRANS;
    int lda = lead(a);
    int ldb = lead(b);
    int ldc = lead(c);
    try {
      call(
          c.dataType(),
          ta,
          tb,
          (int) m,
          (int) n,
          (int) k,
          alpha,
          pointer(a),
          lda,
          pointer(b),
          ldb,
          beta,
          pointer(c),
          ldc);
    } finally {
      // BLAS holds only addresses: an array the caller no longer uses could otherwise be
      // collected, and its buffer freed by ND4J's deallocator, while the call reads or writes it
      Reference.reachabilityFence(a);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(c);
    }
  }

  /**
   * {@code y = x · w + b} for rows {@code x [n, k]}, {@code w [k, width]}, {@code b} of {@code
   * width} values or null, into {@code y [n, width]}. With BLAS called directly the bias is a
   * rank-1 product of a column of ones and {@code b} into {@code y}, which the main product then
   * adds to: no broadcast op, whose dimension array and op object cost a native buffer and a
   * deallocator each per call. Otherwise the product and a broadcast add.
   */
  public static INDArray dense(INDArray x, INDArray w, INDArray b, INDArray y) {
    long n = y.size(0);
    if (b == null || !blasReady(x, w, y) || !whole(b) || b.dataType() != y.dataType()) {
      gemm(x, w, y, false, false, 1.0, 0.0);
      return b == null ? y : Broadcasts.addiRow(y, b.reshape(1, w.size(1)));
    }
    INDArray ones = ones(y.dataType(), n);
    try {
      biasRows(y.dataType(), ones, b, 0, y, 0, (int) n, (int) y.size(1), lead(y));
    } finally {
      Reference.reachabilityFence(ones);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(y);
    }
    gemm(x, w, y, false, false, 1.0, 1.0);
    return y;
  }

  /**
   * {@code y[v] = x[v] · w[v] + b[v]} for each of the {@code V} slices of {@code x [V, n, k]},
   * {@code w [V, k, width]} and {@code y [V, n, width]}, {@code b [V, width]} or null: one BLAS
   * call per slice (two with a bias) at offsets into the three buffers, without the three views per
   * slice that {@code slice(v)} makes (a native buffer and a deallocator each). Returns false,
   * having done nothing, when the arrays are not whole row-major buffers of one type that BLAS
   * takes directly.
   */
  public static boolean perSlice(INDArray x, INDArray w, INDArray b, INDArray y) {
    DataType type = y.dataType();
    if (SGEMM == null
        || (type != DataType.FLOAT && type != DataType.DOUBLE)
        || x.rank() != 3
        || w.rank() != 3
        || y.rank() != 3
        || !whole(x)
        || !whole(w)
        || !whole(y)
        || x.dataType() != type
        || w.dataType() != type
        || (b != null && (!whole(b) || b.dataType() != type))) {
      return false;
    }
    long slices = y.size(0);
    long n = y.size(1);
    long width = y.size(2);
    long k = x.size(2);
    if (x.size(0) != slices
        || w.size(0) != slices
        || x.size(1) != n
        || w.size(1) != k
        || w.size(2) != width
        || (b != null && b.length() != slices * width)
        || x.length() > Integer.MAX_VALUE
        || y.length() > Integer.MAX_VALUE
        || w.length() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "per-slice gemm of "
              + java.util.Arrays.toString(x.shape())
              + " and "
              + java.util.Arrays.toString(w.shape())
              + " into "
              + java.util.Arrays.toString(y.shape()));
    }
    INDArray ones = b == null ? null : ones(type, n);
    try {
      Pointer px = pointer(x);
      Pointer pw = pointer(w);
      Pointer py = pointer(y);
      for (long v = 0; v < slices; v++) {
        double beta = 0.0;
        if (b != null) {
          biasRows(type, ones, b, v * width, y, v * n * width, (int) n, (int) width, (int) width);
          beta = 1.0;
        }
        call(
            type,
            NO_TRANS,
            NO_TRANS,
            (int) n,
            (int) width,
            (int) k,
            1.0,
            px.position(v * n * k),
            (int) k,
            pw.position(v * k * width),
            (int) width,
            beta,
            py.position(v * n * width),
            (int) width);
      }
    } finally {
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(w);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(y);
      Reference.reachabilityFence(ones);
    }
    return true;
  }

  /** {@code y} rows {@code [rows, width]} from element {@code yFrom} := bias from {@code bFrom}. */
  private static void biasRows(
      DataType type,
      INDArray ones,
      INDArray bias,
      long bFrom,
      INDArray y,
      long yFrom,
      int rows,
      int width,
      int ldy) {
    call(
        type,
        NO_TRANS,
        NO_TRANS,
        rows,
        width,
        1,
        1.0,
        pointer(ones),
        1,
        pointer(bias).position(bFrom),
        width,
        0.0,
        pointer(y).position(yFrom),
        ldy);
  }

  private static void call(
      DataType type,
      int ta,
      int tb,
      int m,
      int n,
      int k,
      double alpha,
      Pointer a,
      int lda,
      Pointer b,
      int ldb,
      double beta,
      Pointer c,
      int ldc) {
    try {
      if (type == DataType.FLOAT) {
        SGEMM.invokeExact(
            ROW_MAJOR,
            ta,
            tb,
            m,
            n,
            k,
            (float) alpha,
            (FloatPointer) a,
            lda,
            (FloatPointer) b,
            ldb,
            (float) beta,
            (FloatPointer) c,
            ldc);
      } else {
        DGEMM.invokeExact(
            ROW_MAJOR,
            ta,
            tb,
            m,
            n,
            k,
            alpha,
            (DoublePointer) a,
            lda,
            (DoublePointer) b,
            ldb,
            beta,
            (DoublePointer) c,
            ldc);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cblas gemm failed", e);
    }
  }

  private static volatile INDArray onesFloat;
  private static volatile INDArray onesDouble;

  /**
   * A vector of at least {@code n} ones of {@code type}, shared and never written: grown (a new,
   * larger one) when a call needs more; callers keep it reachable during their BLAS calls.
   */
  private static INDArray ones(DataType type, long n) {
    INDArray o = type == DataType.FLOAT ? onesFloat : onesDouble;
    if (o != null && o.length() >= n) {
      return o;
    }
    synchronized (Gemm.class) {
      o = type == DataType.FLOAT ? onesFloat : onesDouble;
      if (o == null || o.length() < n) {
        long size = Math.max(n, o == null ? 1024 : 2 * o.length());
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
            Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          o = Nd4j.ones(type, size);
        }
        if (type == DataType.FLOAT) {
          onesFloat = o;
        } else {
          onesDouble = o;
        }
      }
      return o;
    }
  }

  private static Pointer pointer(INDArray x) {
    return x.dataType() == DataType.FLOAT ? floats(x) : doubles(x);
  }

  /** Whether {@code a} is the whole of its buffer, in row-major order with row-major strides. */
  private static boolean whole(INDArray a) {
    if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length()) {
      return false;
    }
    long expected = 1;
    for (int d = a.rank() - 1; d >= 0; d--) {
      // a dimension of size 1 is never stepped: its stride is free
      if (a.size(d) != 1 && a.stride(d) != expected) {
        return false;
      }
      expected *= a.size(d);
    }
    return true;
  }

  /**
   * Whether BLAS can take the three arrays as they are: same float or double type, rank 2, rows of
   * unit stride with a leading dimension that fits, no empty side, sizes within int.
   */
  private static boolean blasReady(INDArray a, INDArray b, INDArray c) {
    if (SGEMM == null) {
      return false;
    }
    DataType type = c.dataType();
    if ((type != DataType.FLOAT && type != DataType.DOUBLE)
        || a.dataType() != type
        || b.dataType() != type) {
      return false;
    }
    return rowMajor(a) && rowMajor(b) && rowMajor(c);
  }

  private static boolean rowMajor(INDArray x) {
    if (x.rank() != 2 || x.isEmpty()) {
      return false;
    }
    long rows = x.size(0);
    long cols = x.size(1);
    long lead = x.stride(0);
    // a single row or column has a free stride in ND4J's shape info: only the rows' layout counts
    boolean unitColumns = x.stride(1) == 1 || cols == 1;
    boolean leadFits = rows == 1 || lead >= cols;
    return unitColumns && leadFits && lead <= Integer.MAX_VALUE && rows * cols <= Integer.MAX_VALUE;
  }

  /** The leading dimension: the row stride, or the width for a single row (never stepped). */
  private static int lead(INDArray x) {
    return (int) (x.size(0) == 1 ? Math.max(1, x.size(1)) : x.stride(0));
  }

  private static FloatPointer floats(INDArray x) {
    // a view's buffer starts at the view's first element (ND4J keeps the offset in the buffer)
    return new FloatPointer(x.data().addressPointer());
  }

  private static DoublePointer doubles(INDArray x) {
    return new DoublePointer(x.data().addressPointer());
  }

  private static String shape(INDArray x, boolean transposed) {
    return "[" + x.size(0) + ", " + x.size(1) + "]" + (transposed ? "ᵀ" : "");
  }
}
