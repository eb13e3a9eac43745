package org.tftflink.job.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every committed record of a topic with {@code isolation.level=read_committed}, from the
 * beginning to the last stable offset: what a downstream consumer of the job would see.
 */
final class CommittedRecords {

  private CommittedRecords() {}

  static void forEach(
      String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      // with read_committed, the end offsets are the last stable offsets
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      // a soak's topic holds millions of records: give up only when reading stalls, not after a
      // fixed time
      long stall = Duration.ofSeconds(120).toNanos();
      long lastProgress = System.nanoTime();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() - lastProgress > stall) {
          throw new IllegalStateException(
              "reading " + topic + " stalled for 120 s before its end " + end);
        }
        var records = c.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          lastProgress = System.nanoTime();
        }
        records.forEach(each);
      }
      ChaosSuite.timing("read " + topic);
    }
  }
}
