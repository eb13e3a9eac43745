package org.tftflink.operators.serving;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.tftflink.model.tft.graph.NativeMemoryGc;

/**
 * Starts {@link NativeMemoryGc} in a TaskManager's JVM from an operator that runs ND4J: the CLI
 * starts it in its own JVM, but on a cluster no CLI runs where the tasks do, and ND4J's native
 * buffers, freed only after a collection, would grow the TaskManager unchecked. The watcher is one
 * thread per loaded copy of the class; it stops when Flink releases the job's class loader, so that
 * a session cluster running the job again does not keep the old loader alive.
 */
public final class NativeMemoryWatch {
  private static final String HOOK = "tft-native-memory-gc";

  private NativeMemoryWatch() {}

  /** Starts the watcher once per JVM and class loader; safe to call from every subtask. */
  public static void start(RuntimeContext context) {
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    context.registerUserCodeClassLoaderReleaseHookIfAbsent(HOOK, NativeMemoryGc::stop);
  }
}
