package org.tftflink.model.tft.bench;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.Broadcasts;

/**
 * Hammers ND4J's broadcast add from several threads while another thread collects garbage as often
 * as it can: {@code
 * <inline|fenced|helper|implicit|reduce|sum|transform|pairwise|softmax|cast|concat|mmul|max|columnMean>
 * <threads> <seconds>} (a tool, not a test: a lost race crashes the JVM). {@code inline} adds as
 * {@code INDArray.addiRowVector} does, with the op object dead once its native call starts (ND4J's
 * executioner does not use it afterwards, so the op's dimension array, and its native buffer, may
 * be collected and freed during the call); {@code fenced} keeps the op reachable until the call
 * returns; the others run other kinds of op as ND4J's array API makes them.
 */
public final class NativeRaceProbe {
  private NativeRaceProbe() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong calls = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                INDArray b = Nd4j.rand(DataType.FLOAT, 1, 32);
                while (System.nanoTime() < end) {
                  INDArray x = Nd4j.createUninitialized(DataType.FLOAT, 24, 32);
                  switch (args[0]) {
                    case "fenced" -> {
                      BroadcastAddOp op = new BroadcastAddOp(x, b, x, 1);
                      Nd4j.exec(op);
                      Reference.reachabilityFence(op);
                    }
                    case "inline" -> x.addiRowVector(b);
                    case "helper" -> Broadcasts.addiRow(x, b);
                    case "implicit" -> x.addi(b);
                    case "reduce" -> x.mean(true, 1);
                    case "sum" -> x.sum(0);
                    case "transform" -> Transforms.sigmoid(x, false);
                    case "pairwise" -> x.addi(x);
                    case "softmax" ->
                        Nd4j.exec(
                            new SoftMax(x, Nd4j.createUninitialized(DataType.FLOAT, 24, 32), 1));
                    case "cast" -> x.castTo(DataType.DOUBLE);
                    case "concat" -> Nd4j.concat(0, x, b);
                    case "mmul" -> x.mmul(b.reshape(32, 1));
                    case "max" -> Transforms.max(x, x.neg(), false);
                    case "columnMean" -> x.mean(1);
                    default -> throw new IllegalArgumentException(args[0]);
                  }
                  calls.incrementAndGet();
                }
              },
              "broadcast-" + t);
      w.start();
      workers.add(w);
    }
    long collections = 0;
    while (System.nanoTime() < end) {
      System.gc();
      collections++;
      Thread.sleep(2);
    }
    for (Thread w : workers) {
      w.join();
    }
    System.out.printf(
        "%s, %d threads, %d s: %,d calls, %,d collections, no crash%n",
        args[0], threads, seconds, calls.get(), collections);
  }
}
