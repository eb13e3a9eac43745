package org.tftflink.model.tft.graph;

import java.lang.ref.Reference;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's broadcast ops, run so that the op outlives its native call. Every broadcast of the TFT
 * goes through here, never through {@code INDArray.addiRowVector} and its kin or an inline {@code
 * Nd4j.exec(new Broadcast...Op(...))}.
 *
 * <p>Why: a broadcast op holds its dimensions as an array of its own, and ND4J's executioner uses
 * the op last to read that array's native buffer for the call; from then on nothing keeps the op
 * reachable. A garbage collection during the call (another thread's allocation starts one) can
 * collect the op and its dimension array, and ND4J's deallocator thread then frees the buffer that
 * libnd4j is reading: a SIGSEGV in {@code TadDescriptor} or {@code DataBuffer::primary}, which
 * killed two {@code ./tft bench online} runs (4 and 6 December) in the forecasting and training
 * threads. {@code NativeRaceProbe} (test sources) crashes in 3-4 s with {@code addiRowVector} on
 * two threads beside a collecting one and ran 1.46 million fenced broadcasts without a crash;
 * reductions, transforms, pairwise and custom ops ran 0.4-1.2 million calls each without one.
 */
public final class Broadcasts {
  private Broadcasts() {}

  /** Runs {@code op} and returns its output, keeping the op reachable until the call returned. */
  public static INDArray exec(BroadcastOp op) {
    try {
      Nd4j.exec(op);
      return op.z();
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  /** {@code x[n, w] += row[w]} in place; returns {@code x}. */
  public static INDArray addiRow(INDArray x, INDArray row) {
    return exec(new BroadcastAddOp(x, row, x, 1));
  }

  /** {@code x[n, w] *= row[w]} in place; returns {@code x}. */
  public static INDArray muliRow(INDArray x, INDArray row) {
    return exec(new BroadcastMulOp(x, row, x, 1));
  }

  /** {@code x[n, w] · row[w]} into a new array. */
  public static INDArray mulRow(INDArray x, INDArray row) {
    return exec(new BroadcastMulOp(x, row, x.ulike(), 1));
  }

  /** {@code x[n, w] += column[n]} in place; returns {@code x}. */
  public static INDArray addiColumn(INDArray x, INDArray column) {
    return exec(new BroadcastAddOp(x, column, x, 0));
  }

  /** {@code x[n, w] -= column[n]} in place; returns {@code x}. */
  public static INDArray subiColumn(INDArray x, INDArray column) {
    return exec(new BroadcastSubOp(x, column, x, 0));
  }

  /** {@code x[n, w] /= column[n]} in place; returns {@code x}. */
  public static INDArray diviColumn(INDArray x, INDArray column) {
    return exec(new BroadcastDivOp(x, column, x, 0));
  }

  /** {@code x[n, w] · column[n]} into a new array. */
  public static INDArray mulColumn(INDArray x, INDArray column) {
    return exec(new BroadcastMulOp(x, column, x.ulike(), 0));
  }
}
