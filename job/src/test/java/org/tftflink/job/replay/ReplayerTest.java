package org.tftflink.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tftflink.job.replay.JsonLinesTest.bytes;
import static org.tftflink.job.replay.JsonLinesTest.concat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.KafkaTestClients;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;

@ExtendWith(SharedKafka.class)
class ReplayerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmbeddedKafka kafka = SharedKafka.broker();

  @TempDir Path dir;

  @Test
  void shouldDeliverExactBytesKeyedByHostWhenFileHasBadLines() throws Exception {
    String topic = createMetricsTopic();
    List<byte[]> lines =
        List.of(
            bytes("{\"host\":\"web-1\",\"ts\":\"2014-02-14T14:30:00Z\",\"metrics\":{\"cpu\":1.5}}"),
            new byte[] {
              '{', '"', 'h', 'o', 's', 't', '"', ':', (byte) 0xC3, (byte) 0x28, '}'
            }, // invalid UTF-8
            new byte[0], // empty line
            bytes("{\"host\":\"web-2\",\"ts\":1392388200000,\"metrics\":{\"cpu\":2}}\r"),
            bytes("not json at all"),
            bytes(
                "{\"host\":\"web-1\",\"ts\":\"2014-02-14T14:35:00Z\",\"metrics\":{\"cpu\":1.7}}"));
    Path file = dir.resolve("input.jsonl");
    Files.write(file, joinLines(lines));

    long sent =
        new Replayer(kafka.bootstrapServers(), topic, 0, ReplayProgress.NONE).replayJsonLines(file);

    assertThat(sent).isEqualTo(lines.size());
    List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, lines.size());
    assertThat(records)
        .extracting(r -> hex(r.value()))
        .containsExactlyInAnyOrderElementsOf(lines.stream().map(ReplayerTest::hex).toList());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String host = JsonLines.hostOf(record.value());
      assertThat(record.key())
          .isEqualTo(host == null ? null : host.getBytes(StandardCharsets.UTF_8));
      assertThat(record.partition())
          .isEqualTo(HostPartitioner.partition(host, Topics.METRICS_PARTITIONS));
    }
    // One host's lines stay in file order within their partition.
    assertThat(records.stream().filter(r -> "web-1".equals(JsonLines.hostOf(r.value()))))
        .extracting(r -> hex(r.value()))
        .containsExactly(hex(lines.get(0)), hex(lines.get(5)));
  }

  @Test
  void shouldReplayWholeNabSetInHostOrderWhenAsFastAsPossible() throws Exception {
    String topic = createMetricsTopic();
    List<Long> progress = new CopyOnWriteArrayList<>();

    long sent =
        new Replayer(kafka.bootstrapServers(), topic, 0, (n, elapsed) -> progress.add(n))
            .replayNab();

    assertThat(sent).isEqualTo(40_320);
    assertThat(progress).hasSize(41).startsWith(1_000L, 2_000L).endsWith(40_000L, 40_320L);
    List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, 40_320);
    assertThat(records).hasSize(40_320);
    // Per host, the consumed timestamps equal the merged order of that host's rows.
    String host = "rds-cpu-cc0c53";
    List<String> expected =
        NabSeries.rows().stream()
            .filter(r -> r.host().equals(host))
            .map(r -> r.timestamp().toString())
            .toList();
    List<String> consumed = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (host.equals(new String(record.key(), StandardCharsets.UTF_8))) {
        consumed.add(JSON.readTree(record.value()).get("ts").asText());
      }
    }
    assertThat(consumed).isEqualTo(expected);
  }

  @Test
  void shouldNotExceedRequestedRateWhenRateIsSet() throws Exception {
    String topic = createMetricsTopic();
    Path file = dir.resolve("rate.jsonl");
    List<byte[]> lines = new ArrayList<>();
    for (int i = 0; i < 41; i++) {
      lines.add(bytes("{\"host\":\"h" + (i % 3) + "\",\"n\":" + i + "}"));
    }
    Files.write(file, joinLines(lines));

    long start = System.nanoTime();
    long sent =
        new Replayer(kafka.bootstrapServers(), topic, 100, ReplayProgress.NONE)
            .replayJsonLines(file);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(sent).isEqualTo(41);
    // Message n is due n/100 s after the start: the 41st not before 400 ms.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void shouldFailWithTopicNameWhenTopicIsMissing() throws Exception {
    Path file = Files.write(dir.resolve("one.jsonl"), bytes("{}\n"));
    Replayer replayer =
        new Replayer(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                1_000),
            "no-such-topic",
            0,
            ReplayProgress.NONE);

    assertThatThrownBy(() -> replayer.replayJsonLines(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-topic");
  }

  private String createMetricsTopic() {
    Topics.Names names = Topics.Names.defaults().withMetrics("metrics-" + System.nanoTime());
    try (Admin admin = KafkaTestClients.admin(kafka)) {
      Topics.createAll(admin, names);
    }
    return names.metrics();
  }

  private List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int count) {
    try (KafkaConsumer<byte[], byte[]> consumer = KafkaTestClients.consumer(kafka, Map.of())) {
      consumer.subscribe(List.of(topic));
      return KafkaTestClients.poll(consumer, count, Duration.ofSeconds(30));
    }
  }

  private static byte[] joinLines(List<byte[]> lines) {
    List<byte[]> parts = new ArrayList<>();
    for (byte[] line : lines) {
      parts.add(line);
      parts.add(bytes("\n"));
    }
    return concat(parts.toArray(byte[][]::new));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
