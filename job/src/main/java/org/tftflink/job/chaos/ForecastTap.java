package org.tftflink.job.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows {@code forecasts} with read_committed while a scenario runs, counting forecasts and
 * recording each one's latency: from the wall time its step could first close (given by the
 * scenario) to the moment a downstream consumer can read it.
 */
final class ForecastTap implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong count = new AtomicLong();
  private final List<Long> latencies = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /**
   * @param closableAt the wall millis at which the step ending at a forecast's issuedAt could first
   *     close, or -1 when unknown
   */
  ForecastTap(String bootstrap, String topic, LongUnaryOperator closableAt) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    thread =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                List<TopicPartition> parts =
                    c.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
                c.assign(parts);
                c.seekToBeginning(parts);
                while (running.get()) {
                  for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    long issued = issuedAt(r.value());
                    long from = closableAt.applyAsLong(issued);
                    count.incrementAndGet();
                    if (from > 0) {
                      synchronized (latencies) {
                        latencies.add(now - from);
                      }
                    }
                  }
                }
              }
            },
            "chaos-forecast-tap");
    thread.setDaemon(true);
    thread.start();
  }

  long count() {
    return count.get();
  }

  /** The latencies recorded since the last call (and forgets them). */
  List<Long> drainLatencies() {
    synchronized (latencies) {
      List<Long> out = new ArrayList<>(latencies);
      latencies.clear();
      return out;
    }
  }

  private static long issuedAt(byte[] value) {
    try {
      return Instant.parse(JSON.readTree(value).get("issuedAt").asText()).toEpochMilli();
    } catch (Exception e) {
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(5_000);
  }
}
