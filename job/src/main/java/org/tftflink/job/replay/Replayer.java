package org.tftflink.job.replay;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends recorded metric events to the metrics topic at an accelerated rate, keyed and partitioned
 * by host so that each host's events stay in order.
 */
public final class Replayer {

  /** Progress is reported after every this many messages. */
  public static final int PROGRESS_EVERY = 1_000;

  /**
   * Largest single message the replayer sends: 16 MiB, the largest parser.max_message_bytes, so
   * that a 10 MB line of a replayed file reaches the job's size check (and its dead letter); it
   * fits the producer's default 32 MiB buffer and the embedded broker's limit.
   */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Map<String, Object> producerSettings;
  private final String topic;
  private final double eventsPerSecond;
  private final ReplayProgress progress;

  /**
   * @param bootstrapServers the Kafka brokers
   * @param topic the metrics topic (it must exist)
   * @param eventsPerSecond the replay rate; 0 sends as fast as the producer accepts
   * @param progress told every {@link #PROGRESS_EVERY} messages and at the end
   */
  public Replayer(
      String bootstrapServers, String topic, double eventsPerSecond, ReplayProgress progress) {
    this(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        topic,
        eventsPerSecond,
        progress);
  }

  /**
   * @param clientSettings Kafka client settings, at least {@code bootstrap.servers}; they override
   *     the replayer's producer defaults (security settings, for instance)
   */
  public Replayer(
      Map<String, Object> clientSettings,
      String topic,
      double eventsPerSecond,
      ReplayProgress progress) {
    if (!clientSettings.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException(
          "clientSettings must contain " + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }
    if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException(
          "eventsPerSecond must be >= 0 (0 = as fast as possible), got " + eventsPerSecond);
    }
    this.producerSettings = new HashMap<>(producerDefaults());
    this.producerSettings.putAll(clientSettings);
    this.topic = topic;
    this.eventsPerSecond = eventsPerSecond;
    this.progress = progress == null ? ReplayProgress.NONE : progress;
  }

  /** The producer settings the replayer starts from: idempotent, acks=all, raw bytes. */
  public static Map<String, Object> producerDefaults() {
    return Map.of(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        true,
        ProducerConfig.ACKS_CONFIG,
        "all",
        // A few ms of batching gives most of the throughput without delaying a slow replay.
        ProducerConfig.LINGER_MS_CONFIG,
        5,
        // One request in flight per connection: right after a topic is created the broker may
        // answer NOT_LEADER to the first batch while accepting the next; with more in flight the
        // retried first batch is then refused as out of sequence and the replay stalls (seen in
        // SavepointRestoreTest). Batching keeps the rate well above what replays need.
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
        1,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        MAX_MESSAGE_BYTES,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        ByteArraySerializer.class.getName());
  }

  /**
   * Replays the bundled NAB series (see {@link NabSeries}); returns the number of messages
   * acknowledged.
   */
  public long replayNab() {
    return replay(NabSeries.events().iterator());
  }

  /**
   * Replays a JSON-lines file, one line per message with its bytes unchanged (see {@link
   * JsonLines}); returns the number of messages acknowledged.
   */
  public long replayJsonLines(Path file) {
    try (JsonLines lines = JsonLines.open(file)) {
      return replay(lines);
    }
  }

  /**
   * Writes the NAB replay as a JSON-lines file (for tests that mix in bad lines); returns the line
   * count.
   */
  public static long writeNabJsonLines(Path file) {
    return NabSeries.writeJsonLines(file);
  }

  /**
   * Sends every message, waits until all are acknowledged and returns their number.
   *
   * @throws IllegalStateException when the topic is missing or a message was not acknowledged
   */
  public long replay(Iterator<ReplayMessage> messages) {
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long start = System.nanoTime();
    long sent = 0;
    try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings)) {
      int partitions = partitionCount(producer);
      while (messages.hasNext() && firstFailure.get() == null) {
        ReplayMessage message = messages.next();
        pace(start, sent);
        long number = sent + 1;
        producer.send(
            record(message, partitions),
            (metadata, error) -> {
              if (error == null) {
                acknowledged.incrementAndGet();
              } else {
                firstFailure.compareAndSet(
                    null,
                    new IllegalStateException(
                        "Message "
                            + number
                            + " ("
                            + message.value().length
                            + " bytes) was not written to '"
                            + topic
                            + "': "
                            + error,
                        error));
              }
            });
        sent++;
        if (sent % PROGRESS_EVERY == 0) {
          progress.onProgress(sent, Duration.ofNanos(System.nanoTime() - start));
        }
      }
      producer.flush();
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "Replay to '" + topic + "' failed after " + sent + " messages: " + e, e);
    }
    if (firstFailure.get() != null) {
      throw new IllegalStateException(firstFailure.get().getMessage(), firstFailure.get());
    }
    progress.onProgress(sent, Duration.ofNanos(System.nanoTime() - start));
    return acknowledged.get();
  }

  private ProducerRecord<byte[], byte[]> record(ReplayMessage message, int partitions) {
    byte[] key = message.host() == null ? null : message.host().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(
        topic, HostPartitioner.partition(message.host(), partitions), key, message.value());
  }

  private int partitionCount(Producer<byte[], byte[]> producer) {
    List<PartitionInfo> partitions = producer.partitionsFor(topic);
    if (partitions == null || partitions.isEmpty()) {
      throw new IllegalStateException(
          "Topic '" + topic + "' has no partitions; create it first (Topics.createAll)");
    }
    return partitions.size();
  }

  // Message n is due at start + n / rate; sleeping only when ahead keeps the average rate exact.
  private void pace(long start, long sent) {
    if (eventsPerSecond == 0) {
      return;
    }
    long due = start + (long) (sent * (TimeUnit.SECONDS.toNanos(1) / eventsPerSecond));
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      LockSupport.parkNanos(wait); // may return early, hence the loop
    }
  }
}
