package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.KafkaTestClients;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.RouteDeadLetters;
import org.tftflink.operators.sink.DeadLetterRecordSerializer;

/**
 * Messages around and far past Kafka's 1 MiB default limit, between valid events, through the whole
 * job on a MiniCluster with RocksDB and a real broker with restarts disabled: each becomes exactly
 * one bounded dead letter that names its original size and SHA-256, and the valid events around
 * them still get every forecast. A failing task would fail the job (no restart strategy), so a
 * finished job proves that none failed.
 */
@ExtendWith(SharedKafka.class)
class HugeMessagesEndToEndTest {

  private static final long STEP = 300_000;
  private static final int STEPS = 60;
  private static final int MIN_HISTORY = 12;
  private static final long T0 = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
  private static final int[] SIZES = {1024 * 1024 - 1, 1024 * 1024 + 1, 2_000_000, 10_000_000};

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  @Test
  void shouldDeadLetterEachHugeMessageOnceBoundedAndKeepForecastingWithoutRestart()
      throws Exception {
    var kafka = SharedKafka.broker();
    String bootstrap = kafka.bootstrapServers();
    Topics.Names names = Topics.Names.prefixed("huge");
    Topics.createAll(bootstrap, names);
    try (Admin admin = KafkaTestClients.admin(kafka)) {
      ConfigResource metrics = new ConfigResource(ConfigResource.Type.TOPIC, names.metrics());
      Config config =
          admin.describeConfigs(List.of(metrics)).all().get(30, TimeUnit.SECONDS).get(metrics);
      // the embedded broker's limit (65 MiB) is what the metrics topic inherits
      assertThat(Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()))
          .isGreaterThan(SIZES[SIZES.length - 1]);
    }

    Map<String, byte[]> huge = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaTestClients.producer(
            kafka,
            Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                16 * 1024 * 1024,
                ProducerConfig.ACKS_CONFIG,
                "all"))) {
      for (int i = 0; i < STEPS; i++) {
        send(producer, record(names.metrics(), "web-1", event("web-1", i, 40 + i % 7)));
        if (i % 12 == 5 && i / 12 < SIZES.length) {
          byte[] big = padded("big-" + i, SIZES[i / 12]);
          huge.put(sha256(big), big);
          send(producer, record(names.metrics(), "big-" + i, big));
        }
      }
    }
    assertThat(huge).hasSize(SIZES.length);
    assertThat(TopicReader.readAll(bootstrap, names.metrics()))
        .as("every event is in the topic before the job starts")
        .hasSize(STEPS + SIZES.length);

    Settings settings =
        Settings.defaults()
            .with(Options.TOPIC_METRICS, names.metrics())
            .with(Options.TOPIC_FORECASTS, names.forecasts())
            .with(Options.TOPIC_DLQ, names.metricsDlq())
            .with(Options.TOPIC_MODELS, names.models())
            .with(Options.GROUP_ID, "huge");
    Configuration noRestart = new Configuration();
    noRestart.set(
        RestartStrategyOptions.RESTART_STRATEGY,
        RestartStrategyOptions.RestartStrategyType.NO_RESTART_STRATEGY.getMainValue());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(noRestart);
    env.setParallelism(2);
    env.enableCheckpointing(1_000);
    KafkaPipeline.create(settings, bootstrap, true).build(env);
    JobExecutionResult result = env.execute("huge messages");

    assertThat(result.<Long>getAccumulatorResult(RouteDeadLetters.EVENTS_IN))
        .isEqualTo(STEPS + SIZES.length);
    assertThat(result.<Long>getAccumulatorResult(RouteDeadLetters.PARSE_DEAD_LETTERS))
        .isEqualTo(SIZES.length);
    assertThat(result.<Long>getAccumulatorResult(HostForecaster.ACCEPTED)).isEqualTo(STEPS);

    List<ConsumerRecord<byte[], byte[]>> dlq = TopicReader.readAll(bootstrap, names.metricsDlq());
    assertThat(dlq).hasSize(SIZES.length);
    Set<String> seen = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      String sha = header(r, DeadLetterRecordSerializer.ORIGINAL_SHA256);
      byte[] original = huge.get(sha);
      assertThat(original).as("dead letter with sha256 %s", sha).isNotNull();
      assertThat(seen.add(sha)).as("one dead letter per message").isTrue();
      assertThat(header(r, DeadLetterRecordSerializer.REASON)).isEqualTo("oversize");
      assertThat(header(r, DeadLetterRecordSerializer.TRUNCATED)).isEqualTo("true");
      assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SIZE))
          .isEqualTo(Integer.toString(original.length));
      assertThat(r.value())
          .isEqualTo(Arrays.copyOf(original, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES));
    }

    // one forecast per step after warm-up, as if the huge messages were not there
    Set<Long> issued = new TreeSet<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, names.forecasts())) {
      var f = json.readTree(r.value());
      assertThat(f.get("host").asText()).isEqualTo("web-1");
      assertThat(issued.add(Instant.parse(f.get("issuedAt").asText()).toEpochMilli())).isTrue();
    }
    Set<Long> expected = new TreeSet<>();
    for (int s = MIN_HISTORY - 1; s < STEPS; s++) {
      expected.add(T0 + (s + 1) * STEP);
    }
    assertThat(issued).isEqualTo(expected);
  }

  /**
   * One acknowledged send at a time: a send that failed must fail here, not look like an event the
   * job lost (a CI run under load once counted 6 events in short, with unchecked asynchronous
   * sends; this check and the topic's count before the job starts tell the two apart).
   */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record)
      throws Exception {
    producer.send(record).get(60, TimeUnit.SECONDS);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  private static byte[] event(String host, int step, double cpu) {
    return String.format(
            "{\"host\":\"%s\",\"ts\":\"%s\",\"metrics\":{\"cpu\":%s}}",
            host, Instant.ofEpochMilli(T0 + step * STEP), cpu)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A metric event of exactly {@code size} bytes, made large by a padding field. */
  private static byte[] padded(String host, int size) {
    String head =
        "{\"host\":\""
            + host
            + "\",\"ts\":\"2024-03-01T00:00:00Z\",\"metrics\":{\"cpu\":1},\"pad\":\"";
    String tail = "\"}";
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) 'p');
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(h, 0, out, 0, h.length);
    out[size - 2] = '"';
    out[size - 1] = '}';
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
