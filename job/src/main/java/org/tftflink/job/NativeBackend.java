package org.tftflink.job;

import org.nd4j.common.config.ND4JEnvironmentVars;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Names the ND4J backend this JVM runs on (CPU or CUDA, and how it was chosen), so that a
 * TaskManager's or the job's log says whether a pod trains on its GPU.
 */
public final class NativeBackend {

  private NativeBackend() {}

  /**
   * Loads ND4J (once per JVM, by backend priority) and describes the backend it picked, e.g. {@code
   * "CpuBackend (cpu, 1 device) BACKEND_PRIORITY_CPU=unset BACKEND_PRIORITY_GPU=unset"}.
   */
  public static String describe() {
    var backend = Nd4j.getBackend();
    boolean cpu = Nd4j.getEnvironment().isCPU();
    int devices = Nd4j.getAffinityManager().getNumberOfDevices();
    return backend.getClass().getSimpleName()
        + " ("
        + (cpu ? "cpu" : "gpu")
        + ", "
        + devices
        + (devices == 1 ? " device" : " devices")
        + ") "
        + env(ND4JEnvironmentVars.BACKEND_PRIORITY_CPU)
        + " "
        + env(ND4JEnvironmentVars.BACKEND_PRIORITY_GPU);
  }

  /** Whether the loaded backend runs on the CPU. */
  public static boolean isCpu() {
    return Nd4j.getEnvironment().isCPU();
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return name + "=" + (v == null ? "unset" : v);
  }

  /** Prints {@link #describe()}: the child JVM of the backend tests runs this. */
  public static void main(String[] args) {
    System.out.println("ND4J backend: " + describe());
  }
}
