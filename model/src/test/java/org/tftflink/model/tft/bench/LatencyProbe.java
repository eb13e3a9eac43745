package org.tftflink.model.tft.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.NativeMemoryGc;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * Latency of single forward calls as JMH's {@code forward} benchmark makes them (encode the
 * windows, then prediction, attention and encoder weights): wall and thread-CPU percentiles, heap
 * bytes the calling thread allocates per call, and the young collections during the timed calls:
 * {@code <pf|reference> <batch> <warm-up calls> <timed calls>} (a tool, not a test). Run it in a
 * JVM with the fork's options ({@link TftBenchmark}).
 */
public final class LatencyProbe {
  private LatencyProbe() {}

  public static void main(String[] args) {
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    TftConfig c = TftBenchmark.config(args[0]);
    int batch = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int calls = Integer.parseInt(args[3]);
    List<TftWindow> windows = TestWindows.windows(c, batch, 1);
    TftModel model = TftModel.create(c, FeatureScaler.fit(c, windows));
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < warmup; i++) {
      call(model, windows);
    }
    long[] wall = new long[calls];
    long[] cpu = new long[calls];
    long collections0 = collections();
    long collectMillis0 = collectMillis();
    long allocated0 = mx.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      call(model, windows);
      wall[i] = System.nanoTime() - t0;
      cpu[i] = mx.getCurrentThreadCpuTime() - c0;
    }
    long allocated = mx.getThreadAllocatedBytes(thread) - allocated0;
    long collections = collections() - collections0;
    System.out.printf(
        "%s batch %d, %d calls after %d: wall %s; cpu %s; %.0f KB heap per call; %d collections"
            + " (%.1f ms each)%n",
        args[0],
        batch,
        calls,
        warmup,
        percentiles(wall),
        percentiles(cpu),
        allocated / 1024.0 / calls,
        collections,
        collections == 0 ? 0.0 : (collectMillis() - collectMillis0) / (double) collections);
  }

  private static void call(TftModel model, List<TftWindow> windows) {
    EncodedBatch b = model.encoder().encode(windows);
    model.output(b, TftGraph.PREDICTION, TftGraph.ATTENTION, TftGraph.ENCODER_WEIGHTS);
  }

  private static String percentiles(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(
        "median %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f ms",
        s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.9)] / 1e6,
        s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6,
        s[(int) Math.ceil(s.length * 0.999) - 1] / 1e6,
        s[s.length - 1] / 1e6);
  }

  private static long collections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
        .sum();
  }

  private static long collectMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
        .sum();
  }
}
