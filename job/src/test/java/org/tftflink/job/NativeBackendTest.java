package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ND4J's backend choice on the default (CPU) build: the CPU backend, also when the environment asks
 * for the GPU first, as it does on a pod of the GPU pool that runs the CPU image by mistake.
 */
class NativeBackendTest {

  @Test
  void shouldLoadTheCpuBackendOnTheDefaultBuild() {
    assertThat(NativeBackend.isCpu()).isTrue();
    assertThat(NativeBackend.describe()).startsWith("CpuBackend (cpu, ");
  }

  @Test
  void shouldFallBackToTheCpuBackendWhenGpuPriorityIsSetWithoutCudaOnTheClasspath()
      throws Exception {
    // ND4J reads the priorities once, when its backend class loads: a fresh JVM per setting
    String out = runChild(Map.of("BACKEND_PRIORITY_GPU", "1000", "BACKEND_PRIORITY_CPU", "-1000"));

    assertThat(out)
        .contains("ND4J backend: CpuBackend (cpu, ")
        .contains("BACKEND_PRIORITY_GPU=1000")
        .contains("BACKEND_PRIORITY_CPU=-1000");
  }

  private static String runChild(Map<String, String> env) throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    NativeBackend.class.getName()))
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String out = new String(bytes, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
