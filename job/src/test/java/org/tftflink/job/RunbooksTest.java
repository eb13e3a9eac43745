package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.control.ControlChannel;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.job.serving.TinyModels;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.operators.Uids;

/**
 * The runbooks of savepoints-docs/, step by step, as an operator runs them: savepoints, stops and
 * checks through Flink's REST API (what the runbooks' curl lines call), the job submitted and
 * restored the way {@code flink run [-s SAVEPOINT]} does, against a MiniCluster with RocksDB and a
 * real broker. A runbook that goes stale fails here.
 */
@ExtendWith(SharedKafka.class)
class RunbooksTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration QUIET = Duration.ofSeconds(2);

  /** The default: every metrics partition has data (SampleInput), so none needs to go idle. */
  private static final Duration IDLENESS = Options.IDLENESS.defaultValue();

  private static final String FORECASTER = Uids.HOST_FORECASTER_NAME;
  private static final String MODELS_SOURCE = Uids.MODELS_SOURCE_NAME;

  @TempDir static Path stateDir;

  /** Jobs a test started; cancelled after it, so that a failed test leaves the slots free. */
  private static final List<JobClient> STARTED = new java.util.ArrayList<>();

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  @AfterEach
  void cancelWhatIsStillRunning() {
    for (JobClient job : STARTED) {
      try {
        if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
          job.cancel().get(2, TimeUnit.MINUTES);
        }
      } catch (Exception e) {
        // already gone
      }
    }
    STARTED.clear();
  }

  /** take-a-savepoint.md */
  @Test
  void shouldTakeASavepointWhileTheJobKeepsRunning(@InjectClusterClient ClusterClient<?> client)
      throws Exception {
    FlinkRest rest = new FlinkRest(client.getWebInterfaceURL());
    Topics.Names names = RunbookJobs.topics("rb-take");
    RunbookJobs.replay(stateDir, names, SampleInput.good(0, 20));
    JobClient job =
        RunbookJobs.start(RunbookJobs.settings(names, names.forecasts(), IDLENESS), null, STARTED);
    String id = job.getJobID().toHexString();
    rest.awaitRunning(id);
    ForecastsIssued.await(job, 2, QUIET);

    String savepoint = rest.savepoint(id, savepoints());

    assertThat(Path.of(java.net.URI.create(savepoint)).resolve("_metadata")).exists();
    assertThat(rest.latestSavepoint(id)).isEqualTo(savepoint);
    assertThat(rest.state(id)).isEqualTo("RUNNING");
    job.cancel().get(2, TimeUnit.MINUTES);
  }

  /** upgrade-the-job.md */
  @Test
  void shouldUpgradeTheJobWithItsStateAndContinueWhereItStopped(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    Runs runs = stopAndRestore(client, "rb-upgrade", s -> s.with(Options.SERVING_BATCH_SIZE, 32));

    assertThat(runs.second()).isNotEmpty();
    assertContinuous(runs);
    assertThat(horizons(runs.second())).containsOnly(Options.HORIZON.defaultValue());
  }

  /**
   * change-the-model-configuration.md: histories survive, the baseline's horizon changes at once
   */
  @Test
  void shouldKeepHostHistoriesAndApplyANewHorizonAfterAConfigurationChange(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    Runs runs = stopAndRestore(client, "rb-config", s -> s.with(Options.HORIZON, 6));

    assertContinuous(runs);
    assertThat(horizons(runs.first())).containsOnly(Options.HORIZON.defaultValue());
    assertThat(horizons(runs.second())).containsOnly(6);
  }

  /** roll-back-to-a-savepoint.md: the timeline rule decides which model is served afterwards */
  @Test
  void shouldServeTheSavepointsModelAfterRollingBackUntilANewerEpochArrives(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    FlinkRest rest = new FlinkRest(client.getWebInterfaceURL());
    String bootstrap = SharedKafka.broker().bootstrapServers();
    Topics.Names names = RunbookJobs.topics("rb-rollback");
    TftConfig model = TinyModels.config(Options.HORIZON.defaultValue(), 16);
    Settings settings = RunbookJobs.settings(names, names.forecasts(), IDLENESS);

    ModelPublisher.publish(bootstrap, names.models(), TinyModels.envelope(model, 1, 1));
    JobClient first = RunbookJobs.start(settings, null, STARTED);
    String firstId = first.getJobID().toHexString();
    rest.awaitRunning(firstId);
    awaitValue(() -> metric(rest, firstId, "modelVersion", "min"), 1, "v1 served by every subtask");
    String good = rest.savepoint(firstId, savepoints()); // the state to go back to
    ModelPublisher.publish(bootstrap, names.models(), TinyModels.envelope(model, 2, 1));
    awaitValue(() -> metric(rest, firstId, "modelVersion", "min"), 2, "v2 served");

    // the runbook: stop the current job with a savepoint (a way forward), restore the good one
    String forward = rest.stopWithSavepoint(firstId, savepoints());
    assertThat(forward).isNotEqualTo(good);
    rest.awaitState(firstId, "FINISHED");
    JobClient second = RunbookJobs.start(settings, good, STARTED);
    String secondId = second.getJobID().toHexString();
    rest.awaitRunning(secondId);
    assertThat(rest.restoredFrom(secondId)).isEqualTo(good);

    // v2 (epoch 1) is read again from the topic, and refused: v1 from the savepoint stays
    awaitValue(() -> metric(rest, secondId, "numRecordsOut", "sum", MODELS_SOURCE), 1, "v2 read");
    Thread.sleep(1_000);
    assertThat(metric(rest, secondId, "modelVersion", "max")).isEqualTo(1);
    assertThat(metric(rest, secondId, "modelEpoch", "max")).isEqualTo(1);

    // the trainer (or an operator) republishes under a newer epoch: served
    ModelPublisher.publish(bootstrap, names.models(), TinyModels.envelope(model, 3, 2));
    awaitValue(() -> metric(rest, secondId, "modelVersion", "min"), 3, "v3 of epoch 2 served");
    assertThat(metric(rest, secondId, "modelEpoch", "min")).isEqualTo(2);
    second.cancel().get(2, TimeUnit.MINUTES);
  }

  /** roll-back-a-model-version.md: a bad promoted version replaced in place, the job running on */
  @Test
  void shouldRollAModelVersionBackInPlaceThroughTftControl(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    FlinkRest rest = new FlinkRest(client.getWebInterfaceURL());
    String bootstrap = SharedKafka.broker().bootstrapServers();
    Topics.Names names = RunbookJobs.topics("rb-inplace");
    byte[] model = TinyModels.envelope(TinyModels.config(Options.HORIZON.defaultValue(), 16), 1, 1);
    Path modelFile = Files.write(stateDir.resolve("rb-inplace-model.tft"), model);
    ModelPublisher.publish(bootstrap, names.models(), model);
    // a trainer that promotes quickly on the sample's few hosts: what matters here is the rollback
    Settings settings =
        RunbookJobs.settings(names, names.forecasts(), IDLENESS)
            .with(Options.TOPIC_CONTROL, names.control())
            .with(Options.TOPIC_MODEL_EVENTS, names.modelEvents())
            .with(Options.ONLINE_INITIAL_MODEL, modelFile.toString())
            .with(Options.TRAINING_MODE, "sync")
            .with("online.min_samples_for_update", "8")
            .with("online.update_frequency_minutes", "5")
            .with("online.validation_threshold", "1.0")
            .with("online.shadow_minutes", "0")
            .with("online.holdout_block_minutes", "5");
    JobClient job = RunbookJobs.start(settings, null, STARTED);
    String id = job.getJobID().toHexString();
    rest.awaitRunning(id);
    RunbookJobs.replay(stateDir, names, SampleInput.good(0, 100));
    JsonNode promoted = awaitModelEvent(bootstrap, names.modelEvents(), "promoted");
    long bad = promoted.path("version").asLong();
    assertThat(bad).as("a learned version").isGreaterThan(1);
    awaitValue(() -> metric(rest, id, "modelVersion", "min"), bad, "v" + bad + " served");

    // the runbook: pause updates, find the version before the served one, roll back, check
    ControlChannel control =
        new ControlChannel(
            Map.of("bootstrap.servers", bootstrap), names.control(), names.modelEvents());
    assertThat(control.send("pause", Duration.ofMinutes(2)).orElseThrow().applied()).isTrue();
    TreeSet<Long> promotedVersions = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, names.modelEvents())) {
      JsonNode line = JSON.readTree(r.value());
      if (line.path("type").asText().equals("promoted")) {
        promotedVersions.add(line.path("version").asLong());
      }
    }
    long served = promotedVersions.last();
    long target = promotedVersions.size() > 1 ? promotedVersions.lower(served) : 1;
    awaitValue(() -> metric(rest, id, "modelVersion", "min"), served, "v" + served + " served");

    ControlChannel.Answer rollback =
        control.send("rollback " + target, Duration.ofMinutes(2)).orElseThrow();
    assertThat(rollback.applied()).as("rollback " + target + ": " + rollback.reason()).isTrue();
    JsonNode rolledBack = rollback.line("rolled_back").orElseThrow();
    long restored = rolledBack.path("version").asLong();
    assertThat(restored).as("versions only grow").isGreaterThan(served);
    assertThat(rolledBack.at("/details/restored_from").asLong()).isEqualTo(target);
    awaitValue(() -> metric(rest, id, "modelVersion", "min"), restored, "v" + restored + " served");
    assertThat(metric(rest, id, "modelVersion", "max")).isEqualTo(restored);
    assertThat(rest.state(id)).isEqualTo("RUNNING");
    // paused: nothing promoted over the rollback
    Thread.sleep(2_000);
    assertThat(metric(rest, id, "modelVersion", "max")).isEqualTo(restored);
    ControlChannel.Answer unknown =
        control.send("rollback 999", Duration.ofMinutes(2)).orElseThrow();
    assertThat(unknown.applied()).isFalse();
    assertThat(unknown.reason()).contains("no version 999");
    assertThat(control.send("resume", Duration.ofMinutes(2)).orElseThrow().applied()).isTrue();
    job.cancel().get(2, TimeUnit.MINUTES);
  }

  private static JsonNode awaitModelEvent(String bootstrap, String topic, String type)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    List<String> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      seen.clear();
      for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, topic)) {
        JsonNode line = JSON.readTree(r.value());
        seen.add(line.path("type").asText());
        if (line.path("type").asText().equals(type)) {
          return line;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no " + type + " line on " + topic + " in 3 minutes; saw " + seen);
  }

  @Test
  void shouldNameInEachRunbookTheTestThatRunsItAndListItInTheIndex() throws Exception {
    Path docs = Path.of("..", "savepoints-docs");
    String index = Files.readString(docs.resolve("README.md"));
    Set<String> tests = new HashSet<>();
    for (var m : RunbooksTest.class.getDeclaredMethods()) {
      tests.add(m.getName());
    }
    for (String runbook :
        List.of(
            "take-a-savepoint.md",
            "roll-back-to-a-savepoint.md",
            "roll-back-a-model-version.md",
            "upgrade-the-job.md",
            "change-the-model-configuration.md")) {
      String text = Files.readString(docs.resolve(runbook));
      var named = java.util.regex.Pattern.compile("RunbooksTest#(\\w+)").matcher(text);
      assertThat(named.find()).as(runbook + " names its test").isTrue();
      assertThat(tests).as(runbook + ": test " + named.group(1)).contains(named.group(1));
      assertThat(index)
          .as("savepoints-docs/README.md links " + runbook)
          .contains("(" + runbook + ")");
    }
  }

  /** The forecasts of a job before a stop-with-savepoint and after its restore. */
  record Runs(List<JsonNode> first, List<JsonNode> second) {}

  private Runs stopAndRestore(
      ClusterClient<?> client, String prefix, java.util.function.UnaryOperator<Settings> change)
      throws Exception {
    FlinkRest rest = new FlinkRest(client.getWebInterfaceURL());
    Topics.Names names = RunbookJobs.topics(prefix);
    String after = names.forecasts() + "-after";
    Topics.createAll(SharedKafka.broker().bootstrapServers(), names.withForecasts(after));
    RunbookJobs.replay(stateDir, names, SampleInput.good(0, 30));
    JobClient first =
        RunbookJobs.start(RunbookJobs.settings(names, names.forecasts(), IDLENESS), null, STARTED);
    String firstId = first.getJobID().toHexString();
    rest.awaitRunning(firstId);
    ForecastsIssued.await(first, SampleInput.HOSTS.size() * 10, QUIET);

    String savepoint = rest.stopWithSavepoint(firstId, savepoints());
    rest.awaitState(firstId, "FINISHED");

    RunbookJobs.replay(stateDir, names, SampleInput.good(30, 20));
    JobClient second =
        RunbookJobs.start(
            change.apply(RunbookJobs.settings(names, after, IDLENESS)), savepoint, STARTED);
    String secondId = second.getJobID().toHexString();
    rest.awaitRunning(secondId);
    assertThat(rest.restoredFrom(secondId)).isEqualTo(savepoint);
    ForecastsIssued.await(second, SampleInput.HOSTS.size() * 10, QUIET);
    second.cancel().get(2, TimeUnit.MINUTES);
    String bootstrap = SharedKafka.broker().bootstrapServers();
    return new Runs(read(bootstrap, names.forecasts()), read(bootstrap, after));
  }

  /**
   * Per host, the restored run issues the very next step after the stopped one, with no step twice
   * and no new warm-up: the histories and open steps came back from the savepoint.
   */
  private static void assertContinuous(Runs runs) {
    for (String host : SampleInput.HOSTS) {
      TreeSet<Long> before = steps(runs.first(), host);
      TreeSet<Long> after = steps(runs.second(), host);
      assertThat(before).as(host + " before").isNotEmpty();
      assertThat(after).as(host + " after").isNotEmpty();
      assertThat(after.first())
          .as(host + ": first step after the restore")
          .isEqualTo(before.last() + 1);
      Set<Long> both = new HashSet<>(before);
      both.retainAll(after);
      assertThat(both).as(host + ": steps forecast twice").isEmpty();
    }
  }

  private static TreeSet<Long> steps(List<JsonNode> forecasts, String host) {
    TreeSet<Long> out = new TreeSet<>();
    for (JsonNode f : forecasts) {
      if (f.get("host").asText().equals(host)) {
        long ms = Instant.parse(f.get("issuedAt").asText()).toEpochMilli();
        assertThat(out.add(ms / SampleInput.STEP_MS))
            .as(host + " forecast twice at " + f.get("issuedAt"))
            .isTrue();
      }
    }
    return out;
  }

  private static Set<Integer> horizons(List<JsonNode> forecasts) {
    Set<Integer> out = new HashSet<>();
    forecasts.forEach(f -> out.add(f.get("horizon").size()));
    return out;
  }

  private static List<JsonNode> read(String bootstrap, String topic) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, topic)) {
      out.add(JSON.readTree(r.value()));
    }
    return out;
  }

  private static double metric(FlinkRest rest, String jobId, String name, String agg)
      throws Exception {
    return metric(rest, jobId, name, agg, FORECASTER);
  }

  private static double metric(
      FlinkRest rest, String jobId, String name, String agg, String operator) throws Exception {
    return rest.metric(jobId, operator, name, agg);
  }

  interface MetricRead {
    double read() throws Exception;
  }

  private static void awaitValue(MetricRead read, double atLeast, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    double v = Double.NaN;
    while (System.nanoTime() < deadline) {
      v = read.read();
      if (v >= atLeast) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(what + ": still " + v + " after 2 minutes");
  }

  private static String savepoints() {
    return stateDir.resolve("savepoints").toUri().toString();
  }
}
