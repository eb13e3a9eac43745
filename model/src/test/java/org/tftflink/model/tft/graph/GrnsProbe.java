package org.tftflink.model.tft.graph;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CPU time of the encoder selection's per-variable GRNs and weighted sum (10 variables, 16 -> 32)
 * in Java ({@link PerVariableGrns}) against the same block in SameDiff, alternating in one JVM so
 * that a loaded machine affects both alike: {@code <batch> <rounds>} (a tool, not a test).
 */
public final class GrnsProbe {
  private GrnsProbe() {}

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private static double cpuMs(Runnable r, int calls) {
    long c0 = MX.getCurrentThreadCpuTime();
    for (int i = 0; i < calls; i++) {
      r.run();
    }
    return (MX.getCurrentThreadCpuTime() - c0) / 1e6 / calls;
  }

  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int n = batch * 168;
    int v = 10;
    PerVariableGrns grns =
        PerVariableGrns.create(
            new GraphContext(SameDiff.create(), DataType.FLOAT, 1, 0.1), "g", v, 16, 16, 32, 168);
    SameDiff sd = SameDiff.create();
    GraphContext g = new GraphContext(sd, DataType.FLOAT, 1, 0.1);
    SDVariable xs = sd.placeHolder("x", DataType.FLOAT, v, -1, 16);
    SDVariable ws = sd.placeHolder("w", DataType.FLOAT, -1, v);
    SDVariable processed = new GatedResidualNetwork("g", 16, 16, 32, 0, v, 168).build(g, xs, null);
    SDVariable selected = processed.mul(ws.permute(1, 0).reshape(v, -1, 1)).sum(0);
    SDVariable d = sd.placeHolder("d", DataType.FLOAT, -1, 32);
    sd.identity("out", selected);
    sd.setLossVariables(selected.mul(d).sum().rename("loss"));
    INDArray x = Nd4j.rand(DataType.FLOAT, v, n, 16);
    INDArray w = Nd4j.rand(DataType.FLOAT, n, v);
    INDArray m = Nd4j.rand(DataType.FLOAT, v, n, 16);
    INDArray dOut = Nd4j.rand(DataType.FLOAT, n, 32);
    Map<String, INDArray> feeds =
        Map.of("x", x, "w", w, "d", dOut, "g/gate_norm/glu/dropout_mask", m);
    List<String> params =
        sd.variables().stream()
            .filter(s -> s.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
            .map(SDVariable::name)
            .toList();
    for (int r = 0; r < rounds; r++) {
      double jf = cpuMs(() -> grns.forward(x, w, m, false), 3);
      double sf = cpuMs(() -> sd.output(feeds, "out"), 3);
      double jb = cpuMs(() -> grns.backward(grns.forward(x, w, m, true), dOut), 2);
      double sb = cpuMs(() -> sd.calculateGradients(feeds, params), 2);
      System.out.printf(
          "batch %d: forward java %.1f ms, samediff %.1f ms; forward+backward java %.1f ms,"
              + " samediff %.1f ms (cpu)%n",
          batch, jf, sf, jb, sb);
    }
  }
}
