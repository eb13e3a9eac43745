package org.tftflink.model.tft.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * The two inference paths of one model side by side, alternating call by call: the Java forward
 * pass ({@link TftGraph#output}, without masks as {@link TftModel#output} feeds it) and the
 * SameDiff graphs ({@link TftGraph#sameDiffOutput}), both asked for JMH's outputs; samples/s from
 * the median call's calling-thread CPU time and from the process CPU time (GC and javacpp's
 * deallocator included), which stay meaningful on a machine that others load: {@code <pf|reference>
 * <min calls> <batch>...} (a tool, not a test; run with {@code OMP_NUM_THREADS=1}).
 */
public final class InferencePathProbe {
  private static final String[] OUTPUTS = {
    TftGraph.PREDICTION, TftGraph.ATTENTION, TftGraph.ENCODER_WEIGHTS
  };

  private InferencePathProbe() {}

  public static void main(String[] args) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var c = TftBenchmark.config(args[0]);
    int minCalls = Integer.parseInt(args[1]);
    for (int a = 2; a < args.length; a++) {
      int batch = Integer.parseInt(args[a]);
      List<TftWindow> w = TestWindows.windows(c, batch, 1);
      TftModel model = TftModel.create(c, FeatureScaler.fit(c, w));
      EncodedBatch e = model.encoder().encode(w);
      Map<String, INDArray> ones = model.withMasks(e, null);
      // at least 2,000 windows per path, so that small batches are past the JIT's warm-up
      int calls = Math.max(minCalls, 2000 / batch);
      long[][] thread = new long[2][calls];
      long[] process = new long[2];
      for (int i = -Math.max(2, calls / 4); i < calls; i++) {
        for (int path = 0; path < 2; path++) {
          long t0 = mx.getCurrentThreadCpuTime();
          long p0 = os.getProcessCpuTime();
          if (path == 0) {
            model.graph().output(e.feeds(), OUTPUTS);
          } else {
            model.graph().sameDiffOutput(ones, OUTPUTS);
          }
          if (i >= 0) {
            thread[path][i] = mx.getCurrentThreadCpuTime() - t0;
            process[path] += os.getProcessCpuTime() - p0;
          }
        }
      }
      System.out.printf(
          "batch %d: java %.0f samples/s (thread CPU, median) %.0f (process CPU), samediff %.0f /"
              + " %.0f, ratio %.2f / %.2f%n",
          batch,
          rate(batch, median(thread[0])),
          batch * calls / (process[0] / 1e9),
          rate(batch, median(thread[1])),
          batch * calls / (process[1] / 1e9),
          (double) median(thread[1]) / median(thread[0]),
          (double) process[1] / process[0]);
    }
  }

  private static double rate(int batch, long nanos) {
    return batch / (nanos / 1e9);
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }
}
