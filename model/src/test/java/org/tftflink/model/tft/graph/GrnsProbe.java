package org.tftflink.model.tft.graph;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** CPU time of PerVariableGrns and of its single kernels at the encoder's size (a tool). */
public final class GrnsProbe {
  private GrnsProbe() {}

  static ThreadMXBean mx = ManagementFactory.getThreadMXBean();

  static void time(String name, Runnable r) {
    r.run();
    long c0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < 5; i++) {
      r.run();
    }
    System.out.printf("%-30s %8.2f ms%n", name, (mx.getCurrentThreadCpuTime() - c0) / 5e6);
  }

  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int n = batch * 168;
    int v = 10;
    PerVariableGrns g =
        new PerVariableGrns(
            new GraphContext(SameDiff.create(), DataType.FLOAT, 1, 0.1), "x", v, 16, 16, 32, 168);
    INDArray x = Nd4j.rand(DataType.FLOAT, v, n, 16);
    INDArray w = Nd4j.rand(DataType.FLOAT, n, v);
    INDArray m = Nd4j.rand(DataType.FLOAT, v, n, 16);
    INDArray d = Nd4j.rand(DataType.FLOAT, n, 32);
    time("forward", () -> g.forward(x, w, m, false));
    time("forward+backward", () -> g.backward(g.forward(x, w, m, true), d));
    INDArray a = Nd4j.rand(DataType.FLOAT, n, 16);
    INDArray b = Nd4j.rand(DataType.FLOAT, 16, 32);
    INDArray c = Nd4j.create(DataType.FLOAT, n, 32);
    time(
        "gemm x10",
        () -> {
          for (int i = 0; i < 10; i++) Nd4j.gemm(a, b, c, false, false, 1, 0);
        });
    INDArray x3 = Nd4j.rand(DataType.FLOAT, v, n, 16);
    INDArray c3 = Nd4j.create(DataType.FLOAT, v, n, 32);
    time(
        "gemm slices x10",
        () -> {
          for (int i = 0; i < 10; i++) Nd4j.gemm(x3.slice(i), b, c3.slice(i), false, false, 1, 0);
        });
    INDArray rows = Nd4j.rand(DataType.FLOAT, v * n, 32);
    INDArray bias = Nd4j.rand(DataType.FLOAT, 1, 32);
    time("mean(true,1)", () -> rows.mean(true, 1));
    time("sum(0)", () -> rows.sum(0));
    time("addiRowVector", () -> rows.addiRowVector(bias));
    INDArray col = Nd4j.rand(DataType.FLOAT, v * n, 1);
    time("muliColumnVector", () -> rows.muliColumnVector(col));
    time("sigmoid", () -> Transforms.sigmoid(rows, true));
    time("mul", () -> rows.mul(rows));
    INDArray e3 = Nd4j.rand(DataType.FLOAT, v, n, 16);
    time("elu", () -> Transforms.elu(e3, true));
    time("min(add(1),1)", () -> Transforms.min(e3.add(1.0), 1.0, false));
    INDArray wT = Nd4j.rand(DataType.FLOAT, v, n);
    INDArray y3 = Nd4j.rand(DataType.FLOAT, v, n, 32);
    time(
        "weighted loop",
        () -> {
          INDArray sel = Nd4j.create(DataType.FLOAT, n, 32);
          for (int i = 0; i < v; i++)
            sel.addi(y3.slice(i).mulColumnVector(wT.getRow(i).reshape(n, 1)));
        });
    time("transpose dup", () -> w.transpose().dup('c'));
    time("rsub", () -> rows.rsub(1.0));
    time("tanh", () -> Transforms.tanh(rows, true));
    time("exp", () -> Transforms.exp(rows, true));
    INDArray b3 = Nd4j.rand(DataType.FLOAT, v, 1, 32);
    time("create 3d", () -> Nd4j.create(DataType.FLOAT, v, n, 32));
    time("createUninit 3d", () -> Nd4j.createUninitialized(DataType.FLOAT, v, n, 32));
    time(
        "slice addiRowVector",
        () -> {
          for (int i = 0; i < v; i++) y3.slice(i).addiRowVector(b3.slice(i).reshape(1, 32));
        });
    time("3d addi broadcast", () -> y3.addi(b3));
    time("3d add broadcast", () -> y3.add(b3));
    time(
        "slice assign",
        () -> {
          for (int i = 0; i < v; i++) y3.slice(i).assign(b3.slice(i));
        });
    time("pow col", () -> Transforms.pow(col, -0.5, true));
  }
}
