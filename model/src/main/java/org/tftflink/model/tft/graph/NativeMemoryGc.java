package org.tftflink.model.tft.graph;

import org.bytedeco.javacpp.Pointer;

/**
 * Collects the heap when the process's resident memory has grown by a step since the last
 * collection. ND4J frees an array's native buffer only after the garbage collector has found its
 * Java object dead, and its allocations are not counted by javacpp's caps, so nothing asks for a
 * collection: arrays that lived long enough to reach the old generation (an update's weights,
 * gradients and Adam state) are found only by a rare old-generation cycle, while their native
 * buffers (kilobytes to megabytes behind objects of a few dozen bytes) pile up. Seen in {@code
 * ./tft evaluate}: one NAB host's month grew to 7 GB and three hosts to 8.4 GB resident with a 2 GB
 * heap (190,000 native buffers waiting for collection), and an ETTh1 run was killed by the kernel;
 * with a collection every few seconds the same run stayed flat.
 *
 * <p>One daemon thread per JVM; it only reads the resident size (javacpp's {@link
 * Pointer#physicalBytes()}, from /proc) between collections. Run the JVM with {@code
 * -XX:+ExplicitGCInvokesConcurrent} (the {@code ./tft} launcher and k8s/tft-flink.yaml do): G1 then
 * answers {@code System.gc()} with a concurrent cycle, which finds the same dead arrays, instead of
 * a full collection that stops every thread for 0.3-0.4 s (JFR of {@code ./tft bench online}: 22
 * such pauses in two minutes of updates, each one stalling the forecasts).
 */
public final class NativeMemoryGc {
  /** Growth of resident memory since the last collection that triggers the next one. */
  public static final long DEFAULT_STEP_BYTES = 512L << 20;

  private static final long CHECK_MS = 1_000;
  private static Thread thread;

  private NativeMemoryGc() {}

  /** Starts the watcher (once per JVM; later calls do nothing). */
  public static synchronized void start(long stepBytes) {
    if (thread != null) {
      return;
    }
    thread = new Thread(() -> watch(stepBytes), "tft-native-memory-gc");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops the watcher, if it runs (a later {@link #start} starts a new one): for a JVM that
   * outlives the class loader that loaded this class, such as a Flink TaskManager after the job's
   * end.
   */
  public static synchronized void stop() {
    if (thread != null) {
      thread.interrupt();
      thread = null;
    }
  }

  /** Whether the watcher runs. */
  public static synchronized boolean running() {
    return thread != null && thread.isAlive();
  }

  private static void watch(long stepBytes) {
    long base = Pointer.physicalBytes();
    while (true) {
      try {
        Thread.sleep(CHECK_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = Pointer.physicalBytes();
      if (now > base + stepBytes) {
        System.gc();
        // the native buffers are freed by ND4J's deallocator threads after the collection
        try {
          Thread.sleep(CHECK_MS);
        } catch (InterruptedException e) {
          return;
        }
        base = Pointer.physicalBytes();
      } else if (now < base) {
        base = now;
      }
    }
  }
}
