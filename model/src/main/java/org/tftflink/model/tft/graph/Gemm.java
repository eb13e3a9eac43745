package org.tftflink.model.tft.graph;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
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
      if (c.dataType() == DataType.FLOAT) {
        SGEMM.invokeExact(
            ROW_MAJOR,
            ta,
            tb,
            (int) m,
            (int) n,
            (int) k,
            (float) alpha,
            floats(a),
            lda,
            floats(b),
            ldb,
            (float) beta,
            floats(c),
            ldc);
      } else {
        DGEMM.invokeExact(
            ROW_MAJOR,
            ta,
            tb,
            (int) m,
            (int) n,
            (int) k,
            alpha,
            doubles(a),
            lda,
            doubles(b),
            ldb,
            beta,
            doubles(c),
            ldc);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cblas gemm failed", e);
    } finally {
      // BLAS holds only addresses: an array the caller no longer uses could otherwise be
      // collected, and its buffer freed by ND4J's deallocator, while the call reads or writes it
      Reference.reachabilityFence(a);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(c);
    }
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
