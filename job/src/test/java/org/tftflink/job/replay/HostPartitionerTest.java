package org.tftflink.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class HostPartitionerTest {

  @Test
  void shouldAgreeWithKafkaDefaultPartitionerWhenHostIsGiven() {
    for (String host : NabSeries.SERIES.stream().map(NabSeries::hostOf).toList()) {
      byte[] key = host.getBytes(StandardCharsets.UTF_8);
      assertThat(HostPartitioner.partition(host, 4))
          .isEqualTo(BuiltInPartitioner.partitionForKey(key, 4));
    }
  }

  @Test
  void shouldSendKeylessMessagesToPartitionZeroWhenHostIsMissing() {
    assertThat(HostPartitioner.partition(null, 4)).isZero();
  }

  @Test
  void shouldSpreadHostsOverPartitionsWhenManyHosts() {
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      int p = HostPartitioner.partition("web-" + i, 4);
      assertThat(p).isBetween(0, 3).isEqualTo(HostPartitioner.partition("web-" + i, 4));
      used.add(p);
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
  }
}
