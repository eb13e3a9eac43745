package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.DeadLetterRecords;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.Replayer;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.RouteDeadLetters;

/**
 * The whole job on a MiniCluster with RocksDB state and a real Kafka broker: replays the bundled
 * NAB series with bad lines mixed in, and checks that every line is accounted for, every bad line
 * reaches the dead-letter topic with its reason, and every host gets one forecast per step after
 * warm-up.
 */
@ExtendWith(SharedKafka.class)
class ForecastJobEndToEndTest {

  private static final long STEP = 300_000;
  private static final int MIN_HISTORY = 12;
  private static final int MAX_GAP = 12;

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  private static String bootstrap;

  @BeforeAll
  static void broker() {
    bootstrap = SharedKafka.broker().bootstrapServers();
  }

  /** Bad lines, each with the reason the job must give it. */
  private static Map<byte[], String> badLines() {
    Map<byte[], String> bad = new LinkedHashMap<>();
    bad.put(new byte[0], "empty");
    bad.put(utf8("this is not json"), "not_json");
    bad.put(utf8("[1, 2, 3]"), "not_object");
    bad.put(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, "invalid_utf8");
    bad.put(utf8("{\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":1}}"), "missing_host");
    bad.put(
        utf8("{\"host\":\"\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":1}}"),
        "missing_host");
    bad.put(
        utf8(
            "{\"host\":\""
                + "h".repeat(300)
                + "\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":1}}"),
        "host_too_long");
    bad.put(utf8("{\"host\":\"x\",\"metrics\":{\"cpu\":1}}"), "missing_timestamp");
    bad.put(utf8("{\"host\":\"x\",\"ts\":\"yesterday\",\"metrics\":{\"cpu\":1}}"), "bad_timestamp");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"1999-12-31T23:59:59Z\",\"metrics\":{\"cpu\":1}}"),
        "absurd_timestamp");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"2999-01-01T00:00:00Z\",\"metrics\":{\"cpu\":1}}"),
        "absurd_timestamp");
    bad.put(utf8("{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\"}"), "bad_metrics");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"mem\":3}}"),
        "missing_target");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":\"abc\"}}"),
        "non_numeric_metric");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":\"NaN\"}}"),
        "non_finite_metric");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":Infinity}}"),
        "non_finite_metric");
    bad.put(
        utf8(
            "{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":1},\"tags\":{\"a\":1}}"),
        "bad_tags");
    bad.put(utf8("{\"host\":\"x\",\"pad\":\"" + "p".repeat(70_000) + "\"}"), "oversize");
    return bad;
  }

  @Test
  void shouldForecastEveryHostEveryStepAndDeadLetterEveryBadLine(@TempDir Path dir)
      throws Exception {
    // input: the NAB replay, a bad line after every 2,000 good ones, one duplicate and one late
    // event
    Path nab = dir.resolve("nab.jsonl");
    Replayer.writeNabJsonLines(nab);
    List<byte[]> good =
        Files.readAllLines(nab).stream().map(ForecastJobEndToEndTest::utf8).toList();
    Map<byte[], String> bad = badLines();
    byte[] late = lateCopyOf(good.get(0));
    List<byte[]> input = new ArrayList<>();
    var badIt = bad.keySet().iterator();
    for (int i = 0; i < good.size(); i++) {
      input.add(good.get(i));
      if (i == 100) {
        input.add(good.get(i)); // an exact duplicate: resolved by rule, counted, not a dead letter
      }
      if (i % 2_000 == 1_999 && badIt.hasNext()) {
        input.add(badIt.next());
      }
    }
    badIt.forEachRemaining(input::add);
    // last, so that every partition has moved the watermark far past its step: a partition not yet
    // read holds the job's watermark back, and the source reads partitions in no fixed order
    input.add(late);
    Path file = dir.resolve("input.jsonl");
    Files.write(file, joinLines(input));

    Topics.Names names =
        Topics.Names.defaults()
            .withMetrics("e2e-metrics")
            .withForecasts("e2e-forecasts")
            .withMetricsDlq("e2e-dlq")
            .withModels("e2e-models");
    Topics.createAll(bootstrap, names);
    long sent = new Replayer(bootstrap, names.metrics(), 0, null).replayJsonLines(file);
    assertThat(sent).isEqualTo(input.size());

    Settings settings =
        Settings.defaults()
            .with(Options.TOPIC_METRICS, names.metrics())
            .with(Options.TOPIC_FORECASTS, names.forecasts())
            .with(Options.TOPIC_DLQ, names.metricsDlq())
            .with(Options.TOPIC_MODELS, names.models())
            .with(Options.GROUP_ID, "e2e");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(1_000);
    // watermarks every 10 ms instead of 200: the whole replay is read in well under a second
    env.getConfig().setAutoWatermarkInterval(10);
    KafkaPipeline.create(settings, bootstrap, true).build(env);
    JobExecutionResult result = env.execute("e2e");

    List<ConsumerRecord<byte[], byte[]>> dlq = TopicReader.readAll(bootstrap, names.metricsDlq());
    List<ConsumerRecord<byte[], byte[]>> forecasts =
        TopicReader.readAll(bootstrap, names.forecasts());

    // every line is accounted for, exactly
    long accepted = result.<Long>getAccumulatorResult(HostForecaster.ACCEPTED);
    long parseDead = result.<Long>getAccumulatorResult(RouteDeadLetters.PARSE_DEAD_LETTERS);
    long lateCount = result.<Long>getAccumulatorResult(HostForecaster.LATE_EVENTS);
    assertThat(result.<Long>getAccumulatorResult(RouteDeadLetters.EVENTS_IN))
        .isEqualTo(input.size());
    assertThat(accepted + parseDead + lateCount).isEqualTo(input.size());
    assertThat(dlq).hasSize((int) (parseDead + lateCount));
    assertThat(lateCount).isEqualTo(1);
    assertThat(result.<Long>getAccumulatorResult(HostForecaster.DUPLICATES)).isEqualTo(1);

    // every bad line is in the dead-letter topic, byte for byte, with its reason
    Map<String, String> reasonByPayload = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      JsonNode line = new ObjectMapper().readTree(DeadLetterRecords.toJsonLine(r));
      reasonByPayload.put(line.get("payloadBase64").asText(), line.get("reason").asText());
    }
    for (Map.Entry<byte[], String> e : bad.entrySet()) {
      assertThat(reasonByPayload.get(java.util.Base64.getEncoder().encodeToString(e.getKey())))
          .as("dead letter of %s", e.getValue())
          .isEqualTo(e.getValue());
    }
    assertThat(reasonByPayload.get(java.util.Base64.getEncoder().encodeToString(late)))
        .isEqualTo("late");

    // one forecast per host per data step after warm-up, never two for the same step
    Map<String, Set<Long>> issued = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (ConsumerRecord<byte[], byte[]> r : forecasts) {
      JsonNode f = json.readTree(r.value());
      assertThat(f.at("/model/kind").asText()).isEqualTo("baseline");
      assertThat(f.get("horizon")).hasSize(12);
      long at = Instant.parse(f.get("issuedAt").asText()).toEpochMilli();
      assertThat(issued.computeIfAbsent(f.get("host").asText(), h -> new HashSet<>()).add(at))
          .as("one forecast for %s at %s", f.get("host"), f.get("issuedAt"))
          .isTrue();
    }
    Map<String, TreeSet<Long>> dataSteps = dataSteps(good);
    assertThat(issued.keySet()).isEqualTo(dataSteps.keySet());
    for (var host : dataSteps.entrySet()) {
      Set<Long> expected = expectedForecastSteps(host.getValue());
      Set<Long> missing = new TreeSet<>(expected);
      missing.removeAll(issued.get(host.getKey()));
      assertThat(missing).as("data steps of %s without a forecast", host.getKey()).isEmpty();
    }
  }

  /** Issue times of the forecasts that every data step past warm-up must produce. */
  private static Set<Long> expectedForecastSteps(TreeSet<Long> steps) {
    Set<Long> out = new HashSet<>();
    int observed = 0;
    long previous = Long.MIN_VALUE;
    for (long s : steps) {
      if (previous == Long.MIN_VALUE || s - previous - 1 > MAX_GAP) {
        observed = 0; // a long gap expires the host: the history starts again
      }
      observed++;
      // the warm-up counts observed steps only (imputed ones in short gaps do not)
      if (observed >= MIN_HISTORY) {
        out.add((s + 1) * STEP);
      }
      previous = s;
    }
    return out;
  }

  private static Map<String, TreeSet<Long>> dataSteps(List<byte[]> lines) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, TreeSet<Long>> out = new TreeMap<>();
    for (byte[] line : lines) {
      JsonNode e = json.readTree(line);
      long step = Math.floorDiv(Instant.parse(e.get("ts").asText()).toEpochMilli(), STEP);
      out.computeIfAbsent(e.get("host").asText(), h -> new TreeSet<>()).add(step);
    }
    return out;
  }

  /** The same host and value as {@code line}, a day earlier: its step is long closed. */
  private static byte[] lateCopyOf(byte[] line) throws Exception {
    ObjectMapper json = new ObjectMapper();
    var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(line);
    node.put("ts", Instant.parse(node.get("ts").asText()).minusSeconds(86_400).toString());
    return json.writeValueAsBytes(node);
  }

  private static byte[] joinLines(List<byte[]> lines) {
    int size = lines.stream().mapToInt(l -> l.length + 1).sum();
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] l : lines) {
      System.arraycopy(l, 0, out, at, l.length);
      at += l.length;
      out[at++] = '\n';
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
