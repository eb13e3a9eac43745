package org.tftflink.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmCostTest {

  @Test
  void shouldGroupFlinkSubtasksAndPoolThreadsUnderOneName() {
    assertThat(JvmCost.group("Forecast (1/2)#0")).isEqualTo("Forecast");
    assertThat(JvmCost.group("Forecast -> Kafka: forecasts: Writer (2/2)#3"))
        .isEqualTo("Forecast ->");
    assertThat(JvmCost.group("tft-trainer-1")).isEqualTo("tft-trainer-#");
    assertThat(JvmCost.group("kafka-producer-network-thread | producer-12"))
        .isEqualTo("kafka-producer-network-thread | producer-#");
  }

  @Test
  void shouldSumEachGroupsCpuSinceTheEarlierSnapshotMostFirst() {
    JvmCost before =
        new JvmCost(
            0,
            0,
            0,
            Map.of(
                1L, new JvmCost.Named("Forecast (1/2)#0", 1_000_000_000L),
                2L, new JvmCost.Named("Forecast (2/2)#0", 2_000_000_000L),
                3L, new JvmCost.Named("gone", 5_000_000_000L)));
    JvmCost after =
        new JvmCost(
            0,
            0,
            0,
            Map.of(
                1L, new JvmCost.Named("Forecast (1/2)#0", 3_000_000_000L),
                2L, new JvmCost.Named("Forecast (2/2)#0", 3_500_000_000L),
                4L, new JvmCost.Named("tft-trainer-1", 1_500_000_000L)));

    Map<String, Double> cpu = after.threadsSince(before, 8);

    // a thread born in between counts from zero; one that died is not seen
    assertThat(cpu).containsExactly(Map.entry("Forecast", 3.5), Map.entry("tft-trainer-#", 1.5));
    assertThat(after.threadsSince(before, 1)).containsOnlyKeys("Forecast");
  }
}
