package org.tftflink.job.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one output topic from the beginning with {@code read_committed} (what a downstream system
 * sees of an exactly-once sink), counts its records, hands each to an observer and optionally
 * copies it to a JSON-lines file.
 */
final class TopicTap implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Function<ConsumerRecord<byte[], byte[]>, String> toLine;
  private final Consumer<ConsumerRecord<byte[], byte[]>> observer;
  private final BufferedWriter out;
  private final AtomicLong count = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long lastRecordNanos = System.nanoTime();

  TopicTap(
      String bootstrap,
      String topic,
      Path copyTo,
      Function<ConsumerRecord<byte[], byte[]>, String> toLine,
      Consumer<ConsumerRecord<byte[], byte[]>> observer) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.toLine = toLine;
    this.observer = observer;
    try {
      this.out = copyTo == null ? null : Files.newBufferedWriter(copyTo, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + copyTo, e);
    }
    this.thread = new Thread(this::poll, "tap-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          observer.accept(r);
          if (out != null) {
            out.write(toLine.apply(r));
            out.write('\n');
          }
          count.incrementAndGet();
          lastRecordNanos = System.nanoTime();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      consumer.close();
    }
  }

  long count() {
    return count.get();
  }

  /** Time since the last record arrived. */
  Duration quietFor() {
    return Duration.ofNanos(System.nanoTime() - lastRecordNanos);
  }

  @Override
  public void close() throws Exception {
    running = false;
    thread.join(10_000);
    if (out != null) {
      out.close();
    }
  }
}
