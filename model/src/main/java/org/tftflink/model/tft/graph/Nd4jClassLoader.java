package org.tftflink.model.tft.graph;

import org.nd4j.common.config.ND4JClassLoading;

/**
 * Points ND4J's resource and service loading at the class loader that loaded ND4J itself. ND4J
 * 1.0.0-M2.1 captures the context class loader of whichever thread first touches it; inside Flink
 * that is a task's user-code class loader, which Flink closes when the job ends, and every later
 * gradient function in the JVM then failed ("Unable to load tensorflow descriptors: Trying to
 * access closed classloader"). Seen in the test JVM: a MiniCluster job served a TFT, then {@code
 * ./tft train} in the same JVM could not build its gradient.
 */
public final class Nd4jClassLoader {
  private Nd4jClassLoader() {}

  /** Sets ND4J's loader to its own (a field write: cheap enough for every graph built). */
  public static void pin() {
    ND4JClassLoading.setNd4jClassloaderFromClass(ND4JClassLoading.class);
  }
}
