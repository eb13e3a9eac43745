package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeMemoryGcTest {

  @Test
  void shouldRunOneWatcherUntilStoppedAndStartAgainAfterwards() throws Exception {
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    assertThat(watchers()).isEqualTo(1);
    assertThat(NativeMemoryGc.running()).isTrue();

    NativeMemoryGc.stop();
    assertThat(NativeMemoryGc.running()).isFalse();
    long deadline = System.currentTimeMillis() + 5_000;
    while (watchers() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(watchers()).isZero();

    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    assertThat(NativeMemoryGc.running()).isTrue();
    NativeMemoryGc.stop();
  }

  private static long watchers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("tft-native-memory-gc") && t.isAlive())
        .count();
  }
}
