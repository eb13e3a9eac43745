package org.tftflink.job.chaos;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The scenarios' producer: acks=all, idempotent, records up to 16 MiB, keyed by host like a real
 * metrics agent; counts what it sent.
 */
public final class ChaosProducer implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private long sent;

  public ChaosProducer(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    // a broker restart must delay sends, not fail them
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
  }

  /** Sends {@code value} keyed by {@code key} (null for none). */
  public Future<RecordMetadata> send(String key, byte[] value) {
    sent++;
    return producer.send(
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** Sends {@code value} to one partition (to control which watermark an event moves). */
  public Future<RecordMetadata> send(int partition, String key, byte[] value) {
    sent++;
    return producer.send(
        new ProducerRecord<>(
            topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  public void flush() {
    producer.flush();
  }

  public long sent() {
    return sent;
  }

  @Override
  public void close() {
    producer.close();
  }
}
