package org.tftflink.model.tft.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.NativeMemoryGc;
import org.tftflink.model.tft.graph.TftGraph;
import org.tftflink.model.tft.train.TftTrainer;

/**
 * Training steps at batch 128, then forward calls per batch size, each timed in wall time and in
 * the calling thread's CPU time (with one native thread, ND4J's kernels run on it, so CPU time
 * stays meaningful on a machine that others load); and the peak resident memory of the training
 * phase (VmHWM): {@code <pf|reference> <training steps> <forward calls> <batch>...} (a tool, not a
 * test).
 */
public final class SpeedProbe {
  private SpeedProbe() {}

  public static void main(String[] args) throws Exception {
    // as the CLI runs (Cli.main): the resident-size watcher instead of javacpp's physical cap
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    TftConfig c = TftBenchmark.config(args[0]);
    int steps = Integer.parseInt(args[1]);
    int calls = Integer.parseInt(args[2]);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<TftWindow> w = TestWindows.windows(c, 128, 2);
    List<double[]> f = TestWindows.futures(c, 128, 3);
    List<TrainingSample> s =
        IntStream.range(0, 128).mapToObj(i -> new TrainingSample(w.get(i), f.get(i))).toList();
    TftModel model = TftModel.create(c, FeatureScaler.fit(c, w));
    TftTrainer trainer = new TftTrainer(model);
    trainer.step(s);
    System.out.printf("after setup and one step: %s %s%n", status("VmRSS"), status("VmHWM"));
    long wall = 0;
    long cpu = 0;
    long best = Long.MAX_VALUE;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long process0 = os.getProcessCpuTime();
    long[] perStep = new long[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      long c0 = mx.getCurrentThreadCpuTime();
      trainer.step(s);
      long dc = mx.getCurrentThreadCpuTime() - c0;
      wall += System.nanoTime() - t0;
      cpu += dc;
      perStep[i] = dc;
      best = Math.min(best, dc);
    }
    java.util.Arrays.sort(perStep);
    System.out.printf(
        "train batch 128: %.1f ms/step wall, %.1f ms/step process cpu (all threads)%n",
        wall / 1e6 / steps, (os.getProcessCpuTime() - process0) / 1e6 / steps);
    System.out.printf(
        "train batch 128: %.1f ms/step wall, %.1f ms/step cpu (best %.1f, median %.1f): %.1f"
            + " samples/s by cpu; %s %s%n",
        wall / 1e6 / steps,
        cpu / 1e6 / steps,
        best / 1e6,
        perStep[steps / 2] / 1e6,
        128 / (cpu / 1e9 / steps),
        status("VmRSS"),
        status("VmHWM"));
    for (int k = 3; k < args.length; k++) {
      int batch = Integer.parseInt(args[k]);
      List<TftWindow> windows = TestWindows.windows(c, batch, 1);
      model.output(model.encoder().encode(windows), TftGraph.PREDICTION);
      wall = 0;
      cpu = 0;
      for (int i = 0; i < calls; i++) {
        long t0 = System.nanoTime();
        long c0 = mx.getCurrentThreadCpuTime();
        EncodedBatch b = model.encoder().encode(windows);
        model.output(b, TftGraph.PREDICTION, TftGraph.ATTENTION, TftGraph.ENCODER_WEIGHTS);
        cpu += mx.getCurrentThreadCpuTime() - c0;
        wall += System.nanoTime() - t0;
      }
      System.out.printf(
          "forward batch %d: %.2f ms/call wall, %.2f ms/call cpu: %.1f samples/s by cpu%n",
          batch, wall / 1e6 / calls, cpu / 1e6 / calls, batch / (cpu / 1e9 / calls));
    }
  }

  private static String status(String key) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith(key))
        .findFirst()
        .orElse(key + " ?")
        .replaceAll("\\s+", " ");
  }
}
