package org.tftflink.job.replay;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Chooses a message's partition from its host: the same murmur2 hash as Kafka's default partitioner
 * for keyed records, so one host always lands on one partition and its events stay in order.
 */
public final class HostPartitioner {

  private HostPartitioner() {}

  /**
   * The partition of {@code host} among {@code partitions}; messages without a host go to partition
   * 0.
   */
  public static int partition(String host, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    }
    if (host == null) {
      return 0;
    }
    byte[] key = host.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }
}
