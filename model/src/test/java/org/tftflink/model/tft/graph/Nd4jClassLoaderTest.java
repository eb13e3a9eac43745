package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;
import org.nd4j.common.config.ND4JClassLoading;

class Nd4jClassLoaderTest {

  @Test
  void shouldLoadNd4jResourcesThroughNd4jsOwnLoaderAfterATaskLoaderWasCapturedAndClosed()
      throws Exception {
    ClassLoader own = ND4JClassLoading.class.getClassLoader();
    // as if a Flink task (user-code class loader as context) had touched ND4J first
    try (URLClassLoader taskLoader = new URLClassLoader(new URL[0], own)) {
      ND4JClassLoading.setNd4jClassloader(taskLoader);
    }
    try {
      Nd4jClassLoader.pin();
      assertThat(ND4JClassLoading.getNd4jClassloader()).isSameAs(own);
      assertThat(ND4JClassLoading.getNd4jClassloader().getResource("nd4j-op-def.pbtxt"))
          .as("the op descriptors the gradient functions read")
          .isNotNull();
    } finally {
      ND4JClassLoading.setNd4jClassloaderFromClass(ND4JClassLoading.class);
    }
  }
}
