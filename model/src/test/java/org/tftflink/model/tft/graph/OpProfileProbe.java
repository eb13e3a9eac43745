package org.tftflink.model.tft.graph;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.train.TftTrainer;

/**
 * Time per SameDiff op type and per scope over training steps at batch 128 of the pf-parity model
 * (a tool, not a test): {@code <steps>}.
 */
public final class OpProfileProbe {
  private OpProfileProbe() {}

  static final class Timing extends BaseListener {
    final Map<String, long[]> byType = new TreeMap<>();
    final Map<String, long[]> byScope = new TreeMap<>();
    private long start;

    @Override
    public boolean isActive(Operation operation) {
      return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) {
      start = System.nanoTime();
    }

    @Override
    public void opExecution(
        SameDiff sd, At at, MultiDataSet b, SameDiffOp op, OpContext ctx, INDArray[] out) {
      long t = System.nanoTime() - start;
      String type = op.getOp().opName();
      String name = op.getName();
      int slash = name.indexOf('/');
      String scope = slash > 0 ? name.substring(0, slash) : "(unscoped)";
      if (name.contains("grad") || at.operation() == Operation.TRAINING) {
        scope = "bp:" + scope;
      }
      add(byType, type, t);
      add(byScope, scope, t);
    }

    private static void add(Map<String, long[]> m, String k, long t) {
      long[] v = m.computeIfAbsent(k, x -> new long[2]);
      v[0] += t;
      v[1]++;
    }

    void print(String title, Map<String, long[]> m, int steps) {
      System.out.println("== " + title);
      m.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
          .limit(25)
          .forEach(
              e ->
                  System.out.printf(
                      "%-40s %8.1f ms/step %6d calls/step%n",
                      e.getKey(), e.getValue()[0] / 1e6 / steps, e.getValue()[1] / steps));
    }
  }

  public static void main(String[] args) throws Exception {
    int steps = Integer.parseInt(args[0]);
    TftConfig c = TftConfig.pfParity();
    List<TftWindow> w = TestWindows.windows(c, 128, 2);
    List<double[]> f = TestWindows.futures(c, 128, 3);
    List<TrainingSample> s =
        IntStream.range(0, 128).mapToObj(i -> new TrainingSample(w.get(i), f.get(i))).toList();
    TftModel model = TftModel.create(c, FeatureScaler.fit(c, w));
    TftTrainer trainer = new TftTrainer(model);
    for (int i = 0; i < 2; i++) {
      trainer.step(s);
    }
    Timing timing = new Timing();
    for (String field : List.of("front", "back")) {
      Field fd = TftGraph.class.getDeclaredField(field);
      fd.setAccessible(true);
      ((SameDiff) fd.get(model.graph())).addListeners(timing);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      trainer.step(s);
    }
    long t1 = System.nanoTime();
    System.out.printf("train step %.1f ms%n", (t1 - t0) / 1e6 / steps);
    long total = timing.byType.values().stream().mapToLong(v -> v[0]).sum();
    System.out.printf("SameDiff ops %.1f ms/step%n", total / 1e6 / steps);
    timing.print("by op type", timing.byType, steps);
    timing.print("by scope", timing.byScope, steps);
  }
}
