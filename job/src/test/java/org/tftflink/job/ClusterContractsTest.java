package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.control.ControlChannel;
import org.tftflink.job.kafka.DeadLetterRecords;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.Replayer;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.job.serving.TinyModels;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.RouteDeadLetters;

/**
 * What a running job shows the outside matches what is written about it: one run of the whole job
 * on a MiniCluster and a real broker, with Flink's Prometheus reporter on; its forecasts and dead
 * letters validate against docs/schemas, and every metric the Grafana dashboard and the alert rules
 * in k8s/ query is one the job exports, under that name and with those labels.
 */
@ExtendWith(SharedKafka.class)
class ClusterContractsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PROMETHEUS_PORT = freePort();

  /** Closed steps per host in the sample (30 steps, the last two still open) minus warm-up. */
  private static final int MIN_FORECASTS = SampleInput.HOSTS.size() * 10;

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          () ->
              new MiniClusterResourceConfiguration.Builder()
                  .setNumberTaskManagers(1)
                  .setNumberSlotsPerTaskManager(2)
                  .setConfiguration(configuration())
                  .build());

  private static List<byte[]> input;
  private static List<ConsumerRecord<byte[], byte[]>> forecasts;
  private static List<ConsumerRecord<byte[], byte[]>> deadLetters;
  private static Map<String, Map<String, Set<String>>> exported;
  private static List<ConsumerRecord<byte[], byte[]>> modelEvents;
  private static ControlChannel.Answer pauseAnswer;

  private static Configuration configuration() {
    Configuration conf = RocksDbMiniCluster.configuration(stateDir);
    // as in k8s/tft-flink.yaml
    conf.setString(
        "metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.setString("metrics.reporter.prom.port", String.valueOf(PROMETHEUS_PORT));
    return conf;
  }

  /**
   * Runs the job once, from the first test that needs it: MiniClusterExtension points
   * getExecutionEnvironment() at its cluster only around each test method.
   */
  private static synchronized void runTheJobOnce() throws Exception {
    if (exported != null) {
      return;
    }
    Path dir = Files.createDirectories(stateDir.resolve("input"));
    String bootstrap = SharedKafka.broker().bootstrapServers();
    Topics.Names names = Topics.Names.prefixed("contracts");
    Topics.createAll(bootstrap, names);
    input = new ArrayList<>(SampleInput.good(0, 30));
    input.addAll(SampleInput.bad().keySet());
    Path file = dir.resolve("input.jsonl");
    Files.write(file, SampleInput.lines(input));
    new Replayer(bootstrap, names.metrics(), 0, null).replayJsonLines(file);

    // the TFT served and the online trainer on, started from the same model (as in k8s/)
    byte[] model = TinyModels.envelope(TinyModels.config(Options.HORIZON.defaultValue(), 16), 1, 1);
    Path modelFile = Files.write(dir.resolve("initial-model.tft"), model);
    ModelPublisher.publish(bootstrap, names.models(), model);
    Settings settings =
        LearningJobs.onTopics(names)
            .with(Options.ONLINE_INITIAL_MODEL, modelFile.toString())
            .with(Options.TRAINING_MODE, "sync")
            .with(Options.GROUP_ID, "contracts");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    env.getConfig().setAutoWatermarkInterval(10);
    KafkaPipeline.create(settings, bootstrap, false).build(env);
    JobClient job = env.executeAsync("contracts");
    try {
      Map<String, Object> before = ForecastsIssued.await(job, MIN_FORECASTS, Duration.ofSeconds(2));
      assertThat(before.get(HostForecaster.LATE_EVENTS))
          .as("late events before the late one")
          .isIn(null, 0L);
      // a late event once the host's first steps are closed: the job sends it to the dead letters
      Path late = dir.resolve("late.jsonl");
      Files.write(
          late, SampleInput.lines(List.of(SampleInput.event("web-1", SampleInput.START, 1))));
      new Replayer(bootstrap, names.metrics(), 0, null).replayJsonLines(late);
      Map<String, Object> acc = awaitDeadLetters(job, SampleInput.bad().size() + 1);
      long issued = (Long) acc.get(HostForecaster.FORECASTS);
      forecasts = awaitCommitted(bootstrap, names.forecasts(), issued);
      deadLetters = awaitCommitted(bootstrap, names.metricsDlq(), SampleInput.bad().size() + 1);
      // an operator's command to the trainer (./tft control), answered on the audit topic
      pauseAnswer =
          new ControlChannel(
                  Map.of("bootstrap.servers", bootstrap), names.control(), names.modelEvents())
              .send("pause", Duration.ofMinutes(2))
              .orElseThrow(() -> new AssertionError("the trainer did not answer 'pause'"));
      modelEvents = TopicReader.readAll(bootstrap, names.modelEvents());
      exported = PrometheusText.scrape(PROMETHEUS_PORT);
    } finally {
      job.cancel().get(2, TimeUnit.MINUTES);
    }
  }

  @Test
  void shouldWriteForecastsThatMatchTheForecastSchema() throws Exception {
    runTheJobOnce();
    Schema schema = schema("forecast.schema.json");
    assertThat(forecasts).isNotEmpty();
    for (ConsumerRecord<byte[], byte[]> r : forecasts) {
      JsonNode f = JSON.readTree(r.value());
      assertThat(schema.validate(f)).as(f.toString()).isEmpty();
    }
  }

  @Test
  void shouldWriteDeadLettersThatMatchTheDeadLetterSchemaWithTheirReasons() throws Exception {
    runTheJobOnce();
    Schema schema = schema("dead-letter.schema.json");
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
      JsonNode line = JSON.readTree(DeadLetterRecords.toJsonLine(r));
      assertThat(schema.validate(line)).as(line.toString()).isEmpty();
      reasons.add(line.get("reason").asText());
    }
    List<String> expected = new ArrayList<>(SampleInput.bad().values());
    expected.add("late");
    assertThat(reasons).containsExactlyInAnyOrderElementsOf(expected);
    // and the web UI / Prometheus count them by reason (the parser's ones; late ones: eventsLate)
    assertThat(exported.get("flink_taskmanager_job_task_operator_reason_deadLetters"))
        .as("dead letters by reason")
        .isNotNull();
    assertThat(exported.get("flink_taskmanager_job_task_operator_reason_deadLetters").get("reason"))
        .containsExactlyInAnyOrderElementsOf(new java.util.TreeSet<>(SampleInput.bad().values()));
  }

  @Test
  void shouldAnswerControlCommandsWithAuditLinesThatMatchTheModelEventSchema() throws Exception {
    runTheJobOnce();
    assertThat(pauseAnswer.applied()).as("'pause' applied").isTrue();
    Schema events = schema("model-event.schema.json");
    Schema command = schema("control-command.schema.json");
    assertThat(command.validate(JSON.readTree(JSON.writeValueAsString("pause")))).isEmpty();
    assertThat(modelEvents).isNotEmpty();
    for (ConsumerRecord<byte[], byte[]> r : modelEvents) {
      JsonNode line = JSON.readTree(r.value());
      assertThat(events.validate(line)).as(line.toString()).isEmpty();
    }
  }

  @Test
  void shouldHaveAcceptedOnlyInputThatMatchesTheMetricEventSchema() throws Exception {
    runTheJobOnce();
    Schema schema = schema("metric-event.schema.json");
    List<byte[]> good = SampleInput.good(0, 30);
    for (byte[] line : good) {
      assertThat(schema.validate(JSON.readTree(line))).isEmpty();
    }
    assertThat(forecasts).isNotEmpty();
  }

  @Test
  void shouldQueryOnlyMetricsTheJobExportsInTheDashboard() throws Exception {
    runTheJobOnce();
    JsonNode dashboard = JSON.readTree(Path.of("..", "k8s", "grafana", "tft-flink.json").toFile());
    List<String> queries = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    assertThat(queries).hasSizeGreaterThanOrEqualTo(9);
    assertThat(String.join(" ", queries))
        .as("the trainer's panels")
        .contains("holdoutLoss", "gateFailures", "driftStatistic", "breakerOpen", "servedVersion");
    assertExported(queries);
  }

  @Test
  void shouldQueryOnlyMetricsTheJobExportsInTheAlertRules() throws Exception {
    runTheJobOnce();
    JsonNode rules =
        new YAMLMapper()
            .readTree(Path.of("..", "k8s", "prometheus", "tft-flink-rules.yml").toFile());
    List<String> queries = new ArrayList<>();
    List<String> alerts = new ArrayList<>();
    rules
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          queries.add(r.path("expr").asText());
                          alerts.add(r.path("alert").asText());
                          assertThat(r.at("/labels/severity").asText())
                              .as(r.path("alert").asText())
                              .isIn("warning", "critical");
                          assertThat(r.at("/annotations/summary").asText())
                              .as(r.path("alert").asText())
                              .isNotBlank();
                        }));
    assertThat(alerts)
        .contains(
            "TftDeadLetterRateAboveNormal",
            "TftForecastsStopped",
            "TftRejectedModelMessages",
            "TftJobRestarting",
            "TftTrainerBreakerOpen",
            "TftTrainerGateFailing",
            "TftModelRolledBack",
            "TftTrainerNotUpdating");
    assertExported(queries);
  }

  private static void assertExported(List<String> queries) {
    for (String q : queries) {
      Set<PrometheusText.Selector> selectors = PrometheusText.selectors(q);
      assertThat(selectors).as("metrics in " + q).isNotEmpty();
      for (PrometheusText.Selector s : selectors) {
        assertThat(exported)
            .as("exported metric " + s.name() + " (query " + q + ")")
            .containsKey(s.name());
        s.equalLabels()
            .forEach(
                (k, v) ->
                    assertThat(exported.get(s.name()).getOrDefault(k, Set.of()))
                        .as("label " + k + " of " + s.name())
                        .contains(v));
      }
    }
  }

  private static Schema schema(String file) {
    return ContractSchemas.schema(file);
  }

  private static Map<String, Object> awaitDeadLetters(JobClient job, long expected)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      Map<String, Object> acc = job.getAccumulators().get(60, TimeUnit.SECONDS);
      long parse = acc.get(RouteDeadLetters.PARSE_DEAD_LETTERS) instanceof Long n ? n : 0;
      long late = acc.get(HostForecaster.LATE_EVENTS) instanceof Long n ? n : 0;
      if (parse + late >= expected) {
        return acc;
      }
      assertThat(System.nanoTime())
          .as("dead letters counted: " + (parse + late))
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /**
   * The committed records of a topic once there are {@code expected} (exactly-once: at
   * checkpoints).
   */
  private static List<ConsumerRecord<byte[], byte[]>> awaitCommitted(
      String bootstrap, String topic, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrap, topic);
      if (records.size() >= expected) {
        return records;
      }
      assertThat(System.nanoTime())
          .as(topic + ": " + records.size() + " of " + expected)
          .isLessThan(deadline);
      Thread.sleep(300);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
