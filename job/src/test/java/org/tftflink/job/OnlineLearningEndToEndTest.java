package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.job.replay.Replayer;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.Uids;
import org.tftflink.operators.serving.ServingMetrics;

/**
 * Learning in the running job (MiniCluster, RocksDB, the real broker), from the demo's bundled
 * model (hidden 8, encoder 48, horizon 12), on NAB's {@code
 * realKnownCause/cpu_utilization_asg_misconfiguration} around its level shift (2014-07-11: the
 * median CPU goes from 31 to 57). The same rows are replayed with learning off and on ({@code
 * training.mode=sync}); learned versions reach {@code tft-models}, come back to inference and serve
 * the forecasts after the shift, whose error must fall below the frozen model's; the trainer's
 * metrics are in the web UI, and the sample screen flags nothing of the real series, the shift
 * included. A poisoned stretch of input (an absurd constant) must be rejected by the gate as a
 * poisoned batch while forecasts go on. A run with async updates fails the job while an update is
 * running: one epoch bump, nothing of the abandoned update served, one forecast per step. Every
 * audit line must match docs/schemas/model-event.schema.json.
 *
 * <p>The replay is paced in chunks (each waits until the job is quiet and serves the versions
 * committed so far), as a live stream would be: an instant replay ends before the first version has
 * travelled through the model topic, and would compare the frozen model with itself.
 */
@ExtendWith(SharedKafka.class)
class OnlineLearningEndToEndTest {

  private static final Path SERIES =
      Path.of("/work/shared/data/nab/realKnownCause/cpu_utilization_asg_misconfiguration.csv");
  private static final String HOST = "asg-misconfig";
  private static final long STEP_MS = 300_000;
  private static final int HORIZON = 12;

  /** Rows 16,600 to 17,800 of the file: 400 before the shift (row 17,000), 800 after. */
  private static final int FROM = 16_600;

  private static final int SHIFT = 17_000;
  private static final int TO = 17_800;
  private static final int CHUNK = 100;

  /** The poisoned stretch of the third run: two hours of an absurd constant. */
  private static final int POISON_ROWS = 24;

  private static final double POISON = 1e6;

  /** The gate's hold-out in the third run: one hour in ten. */
  private static final double HOLDOUT_SHARE = 0.1;

  private static final int HOLDOUT_BLOCK_MINUTES = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The trainer's metrics in the web UI (DESIGN section 5). */
  private static final List<String> TRAINER_METRICS =
      List.of(
          "samplesBuffered",
          "lastUpdateDurationMs",
          "gatePasses",
          "gateFailures",
          "rollbacks",
          "driftStatistic",
          "breakerOpen",
          "holdoutLoss",
          "servedVersion",
          "trainerEpoch",
          "suspectSamples",
          "poisonedBatches");

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  private static byte[] model;
  private static List<Row> rows;
  private static String bootstrap;
  private static ClusterClient<?> cluster;

  record Row(long ts, double value) {}

  @BeforeAll
  static void load() throws Exception {
    bootstrap = SharedKafka.broker().bootstrapServers();
    try (InputStream in =
        OnlineLearningEndToEndTest.class.getResourceAsStream("/models/nab-small.tft")) {
      model = in.readAllBytes();
    }
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(SERIES);
    for (String line : lines.subList(1 + FROM, 1 + TO)) {
      String[] p = line.split(",");
      rows.add(
          new Row(
              LocalDateTime.parse(p[0], f).toInstant(ZoneOffset.UTC).toEpochMilli(),
              Double.parseDouble(p[1])));
    }
  }

  @Test
  void shouldLearnPastTheShiftWhereTheFrozenModelDoesNot(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    cluster = client;
    Topics.Names off = topics("olf");
    Run frozen = run(off, settings(off).with("online.enabled", "false"), rows, false);
    Topics.Names on = topics("oln");
    Run learning = run(on, settings(on).with(Options.TRAINING_MODE, "sync"), rows, true);

    assertThat(frozen.versions()).extracting(ModelData::modelVersion).containsOnly(1L);
    assertThat(frozen.events()).isEmpty();
    assertThat(learning.versions())
        .extracting(ModelData::modelVersion)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(learning.versions().size()).as("learned versions published").isGreaterThan(2);
    assertThat(learning.events())
        .extracting(e -> e.get("type").asText())
        .contains(LearningEvent.UPDATE_STARTED, LearningEvent.GATE_PASSED, LearningEvent.PROMOTED);
    assertEveryEventMatchesTheSchema(learning.events());
    assertThat(learning.trainerMetrics())
        .as("trainer metrics in the web UI")
        .allSatisfy((name, value) -> assertThat(value).as(name).isNotNull());
    assertThat(learning.trainerMetrics().get("gatePasses")).isPositive();
    assertThat(learning.trainerMetrics().get("lastUpdateDurationMs")).isPositive();
    assertThat(learning.trainerMetrics().get("holdoutLoss")).isPositive();
    assertThat(learning.trainerMetrics().get("suspectSamples")).as("screened out").isZero();
    // the web UI's values lag by the metric fetcher's interval: a learned version, not the last
    assertThat(learning.trainerMetrics().get("servedVersion"))
        .isGreaterThan(1)
        .isLessThanOrEqualTo(
            (double) learning.versions().get(learning.versions().size() - 1).modelVersion());
    assertOneForecastPerStep(frozen.forecasts());
    assertOneForecastPerStep(learning.forecasts());

    long shiftMs = rows.get(SHIFT - FROM).ts();
    long learnedAfterShift =
        learning.forecasts().stream()
            .filter(f -> f.issuedAt() >= shiftMs && f.kind().equals("tft") && f.version() > 1)
            .count();
    assertThat(learnedAfterShift)
        .as("forecasts after the shift from learned versions")
        .isPositive();
    double maeFrozen = mae(frozen.forecasts(), shiftMs);
    double maeLearning = mae(learning.forecasts(), shiftMs);
    double maeBefore = mae(learning.forecasts(), Long.MIN_VALUE, shiftMs);
    System.out.printf(
        "online e2e: P50 MAE after the shift: frozen %.3f, learning %.3f (%d versions; learning"
            + " run before the shift %.3f, frozen %.3f)%n",
        maeFrozen,
        maeLearning,
        learning.versions().size(),
        maeBefore,
        mae(frozen.forecasts(), Long.MIN_VALUE, shiftMs));
    assertThat(maeLearning).as("P50 MAE after the shift, learning vs frozen").isLessThan(maeFrozen);
  }

  /**
   * Two hours of cpu=1e6. Each update compares the suspect share of the samples that arrived since
   * the previous one with max_suspect_share: above it the update fails the gate as a poisoned batch
   * before training; below it the suspect samples are left out and the rest trains. The expected
   * count of suspect samples comes from the input alone: every sample whose history or actuals hold
   * a poisoned row, and no other.
   */
  @Test
  void shouldRejectEveryUpdateOfAPoisonedStretchWhileForecastsGoOn(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    cluster = client;
    Topics.Names names = topics("olx");
    List<Row> input = new ArrayList<>(rows.subList(0, SHIFT - FROM));
    int poisonFrom = poisonStart(input);
    int poisonTo = poisonFrom + POISON_ROWS;
    for (int i = poisonFrom; i < poisonTo; i++) {
      input.set(i, new Row(input.get(i).ts(), POISON)); // an absurd constant, for two hours
    }
    Settings settings =
        settings(names)
            .with(Options.TRAINING_MODE, "sync")
            .with("online.holdout_share", String.valueOf(HOLDOUT_SHARE))
            .with("online.holdout_block_minutes", String.valueOf(HOLDOUT_BLOCK_MINUTES));
    double maxShare =
        org.tftflink.job.config.OnlineSettings.onlineConfig(settings).maxSuspectShare();
    Run run = run(names, settings, input, true);

    assertEveryEventMatchesTheSchema(run.events());
    // origins from a horizon before the stretch (poisoned actuals) to an encoder length after it
    // (poisoned history)
    long poisonedSamples = POISON_ROWS + HORIZON - 1 + 48;
    assertThat(run.trainerMetrics().get("suspectSamples"))
        .as("samples the screen found implausible")
        .isEqualTo((double) poisonedSamples);
    List<Map<String, Object>> updates = updates(run.events());
    List<Map<String, Object>> poisoned =
        updates.stream().filter(u -> (double) u.get("suspect_share") > maxShare).toList();
    System.out.printf(
        "online e2e: poison %s to %s; updates holding suspect samples: %s%n",
        Instant.ofEpochMilli(input.get(poisonFrom).ts()),
        Instant.ofEpochMilli(input.get(poisonTo - 1).ts()),
        updates.stream().filter(u -> (long) u.get("suspect") > 0).toList());
    assertThat(poisoned).as("updates whose samples were mostly poison").isNotEmpty();
    assertThat(poisoned)
        .allSatisfy(
            u -> {
              assertThat(u.get("outcome")).isEqualTo(LearningEvent.REJECTED);
              assertThat(u.get("gate")).isEqualTo("poisoned_batch");
            });
    assertThat(updates.stream().mapToLong(u -> (long) u.get("suspect")).sum())
        .as("suspect samples the updates saw")
        .isEqualTo(poisonedSamples);
    assertThat(run.trainerMetrics().get("poisonedBatches")).isEqualTo((double) poisoned.size());
    // forecasts go on, one per step, through the poison and after it
    assertOneForecastPerStep(run.forecasts());
    assertThat(run.forecasts().get(run.forecasts().size() - 1).issuedAt())
        .isGreaterThan(input.get(poisonTo + 24).ts());
  }

  /**
   * Per update (update_started in order): its suspect count and share, the gate's reason when it
   * failed, and its outcome (promoted or rejected).
   */
  private static List<Map<String, Object>> updates(List<JsonNode> events) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> current = null;
    for (JsonNode e : events) {
      String type = e.get("type").asText();
      JsonNode d = e.get("details");
      if (type.equals(LearningEvent.UPDATE_STARTED)) {
        current = new java.util.LinkedHashMap<>();
        current.put("at", Instant.ofEpochMilli(e.get("eventTimeMs").asLong()).toString());
        current.put("new", d.get("new").asLong());
        current.put("suspect", d.get("suspect").asLong());
        long all = d.get("new").asLong() + d.get("suspect").asLong();
        current.put("suspect_share", all == 0 ? 0.0 : d.get("suspect").asDouble() / all);
        out.add(current);
      } else if (current != null && type.equals(LearningEvent.GATE_FAILED)) {
        current.put("gate", d.get("reason").asText());
      } else if (current != null
          && !current.containsKey("outcome")
          && (type.equals(LearningEvent.PROMOTED) || type.equals(LearningEvent.REJECTED))) {
        current.put("outcome", type);
      }
    }
    return out;
  }

  @Test
  void shouldKeepOneTimelineThroughATaskFailureInTheMiddleOfAnUpdate(
      @InjectClusterClient ClusterClient<?> client) throws Exception {
    cluster = client;
    Topics.Names names = topics("olp");
    List<Row> input = rows.subList(0, SHIFT - FROM);
    HoldUpdate.reset();
    createTopics(names);
    ModelPublisher.publish(bootstrap, names.models(), model);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(300);
    // async updates (the default): the held one runs on the trainer's own thread
    ForecastJob forecastJob = KafkaPipeline.create(settings(names), bootstrap, false, model);
    forecastJob
        .withLearning(forecastJob.learning().withExecutor(new HoldUpdate()))
        .withValidEventsThrough(s -> s.map(new FailWhileHeld()).name("Test: fail mid-update"))
        .build(env);
    JobClient job = env.executeAsync(names.metrics());
    long sent = 0;
    int armAt = input.size() - 100;
    for (int from = 0; from < armAt; from += CHUNK) {
      List<Row> chunk = input.subList(from, Math.min(armAt, from + CHUNK));
      replay(names.metrics(), chunk);
      sent += chunk.size();
      JobQuiet.await(job, sent, Duration.ofSeconds(2));
    }
    // the next update (asked for now) is held on the trainer's thread; the next event then fails
    // the job
    HoldUpdate.ARMED.set(true);
    sendCommand(names.control(), "update-now");
    replayPaced(names.metrics(), input.subList(armAt, input.size()), 40);
    org.tftflink.job.chaos.ChaosJob.awaitConsumed(
        bootstrap, names.metrics(), names.metrics() + "-job", Duration.ofMinutes(3));
    awaitForecastIssuedAt(job, names, input.get(input.size() - 3).ts());
    job.stopWithSavepoint(
            false, stateDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
    List<JsonNode> events = events(names.modelEvents());
    print(names.metrics(), events);
    assertThat(HoldUpdate.FIRED.get()).as("the job failed while an update was held").isTrue();
    assertEveryEventMatchesTheSchema(events);
    // one epoch bump, and the restored trainer's first message republishes what it served
    List<ModelData> versions = versions(names.models());
    List<ModelData> trainer = versions.subList(1, versions.size()); // after the test's own
    assertThat(trainer).extracting(ModelData::epoch).isSorted().containsOnly(1L, 2L).contains(2L);
    List<ModelData> before = trainer.stream().filter(m -> m.epoch() == 1).toList();
    List<ModelData> after = trainer.stream().filter(m -> m.epoch() == 2).toList();
    long servedAtRestore = before.isEmpty() ? 1 : before.get(before.size() - 1).modelVersion();
    assertThat(after.get(0).modelVersion()).isEqualTo(servedAtRestore);
    assertThat(before).extracting(ModelData::modelVersion).isSorted().doesNotHaveDuplicates();
    assertThat(after).extracting(ModelData::modelVersion).isSorted().doesNotHaveDuplicates();
    // every TFT forecast comes from a committed version; one forecast per step
    List<Fc> forecasts = forecasts(names);
    java.util.Set<String> committed = new java.util.HashSet<>();
    versions.forEach(m -> committed.add(m.epoch() + "/" + m.modelVersion()));
    assertThat(forecasts)
        .filteredOn(f -> f.kind().equals("tft"))
        .isNotEmpty()
        .allMatch(f -> committed.contains(f.epoch() + "/" + f.version()));
    assertOneForecastPerStep(forecasts);
    assertThat(forecasts.get(forecasts.size() - 1).issuedAt())
        .isGreaterThanOrEqualTo(input.get(input.size() - 3).ts());
  }

  /**
   * Runs updates on one thread like the job's default, except that once {@link #ARMED} it holds the
   * next update until the job fails ({@link FailWhileHeld}) and drops it: the task ends in the
   * middle of that update. Static state: the MiniCluster runs the tasks in this JVM.
   */
  static final class HoldUpdate implements org.tftflink.operators.online.TrainingExecutor {
    private static final long serialVersionUID = 1L;
    static final java.util.concurrent.atomic.AtomicBoolean ARMED =
        new java.util.concurrent.atomic.AtomicBoolean();
    static final java.util.concurrent.atomic.AtomicBoolean HOLDING =
        new java.util.concurrent.atomic.AtomicBoolean();
    static final java.util.concurrent.atomic.AtomicBoolean FIRED =
        new java.util.concurrent.atomic.AtomicBoolean();

    static void reset() {
      ARMED.set(false);
      HOLDING.set(false);
      FIRED.set(false);
    }

    @Override
    public java.util.concurrent.ExecutorService create(String threadName) {
      java.util.concurrent.ExecutorService inner =
          org.tftflink.operators.online.TrainingExecutor.singleThread().create(threadName);
      return new java.util.concurrent.AbstractExecutorService() {
        @Override
        public void execute(Runnable update) {
          inner.execute(
              () -> {
                if (ARMED.get() && !FIRED.get() && HOLDING.compareAndSet(false, true)) {
                  try {
                    while (!FIRED.get()) {
                      Thread.sleep(10);
                    }
                  } catch (InterruptedException cancelled) {
                    Thread.currentThread().interrupt();
                  }
                  return; // abandoned: the task is failing
                }
                update.run();
              });
        }

        @Override
        public void shutdown() {
          inner.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
          return inner.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
          return inner.isShutdown();
        }

        @Override
        public boolean isTerminated() {
          return inner.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
          return inner.awaitTermination(timeout, unit);
        }
      };
    }
  }

  /** Fails its task once, at the first event after {@link HoldUpdate} began holding an update. */
  static final class FailWhileHeld
      implements org.apache.flink.api.common.functions.MapFunction<
          org.tftflink.operators.ingest.MetricPoint, org.tftflink.operators.ingest.MetricPoint> {
    private static final long serialVersionUID = 1L;

    @Override
    public org.tftflink.operators.ingest.MetricPoint map(
        org.tftflink.operators.ingest.MetricPoint p) {
      if (HoldUpdate.HOLDING.get() && HoldUpdate.FIRED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected task failure while an update is running");
      }
      return p;
    }
  }

  // ---- one run of the job ----

  record Fc(long issuedAt, String kind, long version, long epoch, double[] p50) {}

  record Run(
      List<ModelData> versions,
      List<JsonNode> events,
      List<Fc> forecasts,
      Map<String, Double> trainerMetrics) {}

  private static Run run(Topics.Names names, Settings settings, List<Row> input, boolean learning)
      throws Exception {
    createTopics(names);
    ModelPublisher.publish(bootstrap, names.models(), model);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(300);
    KafkaPipeline.create(settings, bootstrap, false, model).build(env);
    JobClient job = env.executeAsync(names.metrics());
    long sent = 0;
    for (int from = 0; from < input.size(); from += CHUNK) {
      List<Row> chunk = input.subList(from, Math.min(input.size(), from + CHUNK));
      replay(names.metrics(), chunk);
      sent += chunk.size();
      JobQuiet.await(job, sent, Duration.ofSeconds(2));
      if (learning) {
        awaitServed(job, names.models());
      }
    }
    Map<String, Double> metrics = new TreeMap<>();
    if (learning) {
      FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());
      String id = job.getJobID().toString();
      // the REST API answers from Flink's metric fetcher, which fills its store asynchronously
      // after the first request: ask until the trainer's metrics are there (or 30 s have passed)
      java.util.Set<String> reported = rest.metricNames(id, Uids.ONLINE_TRAINER_NAME);
      long fetched = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!reported.containsAll(TRAINER_METRICS) && System.nanoTime() < fetched) {
        Thread.sleep(500);
        reported = rest.metricNames(id, Uids.ONLINE_TRAINER_NAME);
      }
      for (String m : TRAINER_METRICS) {
        // NaN: not reported (a gauge with no value yet, such as the drift statistic, reports NaN)
        metrics.put(
            m, reported.contains(m) ? rest.metric(id, Uids.ONLINE_TRAINER_NAME, m, "max") : null);
      }
    }
    job.stopWithSavepoint(
            false, stateDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
    Run run =
        new Run(versions(names.models()), events(names.modelEvents()), forecasts(names), metrics);
    print(names.metrics(), run.events());
    return run;
  }

  /**
   * Waits until inference has accepted every version the trainer's last transactions committed (one
   * checkpoint after the trainer published them).
   */
  private static void awaitServed(JobClient job, String modelsTopic) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(700); // two checkpoints: the trainer's transaction commits
      int committed = versions(modelsTopic).size();
      Map<String, Object> acc = job.getAccumulators().get(10, TimeUnit.SECONDS);
      long accepted = acc.get(ServingMetrics.MODELS_ACCEPTED) instanceof Long n ? n : 0;
      if (accepted >= committed) {
        return;
      }
    }
    throw new AssertionError("inference did not take the committed versions within 60 s");
  }

  /**
   * Waits until the committed forecasts reach a step (after a restart the job's accumulators start
   * again from zero, so they cannot tell).
   */
  private static void awaitForecastIssuedAt(JobClient job, Topics.Names names, long issuedAt)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (forecasts(names).stream().anyMatch(f -> f.issuedAt() >= issuedAt)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "no forecast issued at "
            + Instant.ofEpochMilli(issuedAt)
            + " within 3 minutes; job "
            + job.getJobStatus().get(10, TimeUnit.SECONDS));
  }

  /** The audit trail in the test's output, one short line per decision. */
  private static void print(String run, List<JsonNode> events) {
    for (JsonNode e : events) {
      JsonNode d = e.get("details");
      System.out.printf(
          "%s %s %s v%d %s%n",
          run,
          Instant.ofEpochMilli(e.get("eventTimeMs").asLong()),
          e.get("type").asText(),
          e.get("version").asLong(),
          d.toString().length() > 240 ? d.toString().substring(0, 240) : d);
    }
  }

  // ---- what a run left in its topics ----

  private static List<ModelData> versions(String topic) {
    List<ModelData> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, topic)) {
      out.add(ModelDataSerializer.deserialize(r.value()));
    }
    return out;
  }

  private static List<JsonNode> events(String topic) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, topic)) {
      out.add(JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static List<Fc> forecasts(Topics.Names names) throws IOException {
    List<Fc> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, names.forecasts())) {
      JsonNode f = JSON.readTree(r.value());
      JsonNode horizon = f.get("horizon");
      double[] p50 = new double[horizon.size()];
      for (int h = 0; h < p50.length; h++) {
        p50[h] = horizon.get(h).get("p50").asDouble();
      }
      out.add(
          new Fc(
              Instant.parse(f.get("issuedAt").asText()).toEpochMilli(),
              f.get("model").get("kind").asText(),
              f.get("model").get("version").asLong(),
              f.get("model").get("epoch").asLong(),
              p50));
    }
    return out;
  }

  /**
   * Mean absolute error of P50 against the rows, over forecasts issued at or after {@code from}.
   */
  private static double mae(List<Fc> forecasts, long from) {
    return mae(forecasts, from, Long.MAX_VALUE);
  }

  private static double mae(List<Fc> forecasts, long from, long to) {
    Map<Long, Double> actual = new HashMap<>();
    for (Row r : rows) {
      actual.put(r.ts() / STEP_MS, r.value());
    }
    double sum = 0;
    long n = 0;
    for (Fc f : forecasts) {
      if (f.issuedAt() < from || f.issuedAt() >= to) {
        continue;
      }
      for (int h = 0; h < f.p50().length; h++) {
        Double y = actual.get(f.issuedAt() / STEP_MS + h);
        if (y != null) {
          sum += Math.abs(f.p50()[h] - y);
          n++;
        }
      }
    }
    return sum / n;
  }

  private static void assertOneForecastPerStep(List<Fc> forecasts) {
    TreeMap<Long, Integer> byStep = new TreeMap<>();
    for (Fc f : forecasts) {
      byStep.merge(f.issuedAt() / STEP_MS, 1, Integer::sum);
    }
    assertThat(byStep.values()).as("forecasts per step").containsOnly(1);
    assertThat(byStep.lastKey() - byStep.firstKey() + 1)
        .as("steps from the first forecast to the last")
        .isEqualTo(byStep.size());
  }

  private static void assertEveryEventMatchesTheSchema(List<JsonNode> events) {
    for (JsonNode e : events) {
      assertThat(ContractSchemas.errors("model-event.schema.json", e)).as(e.toString()).isEmpty();
    }
  }

  // ---- input and topics ----

  private static Settings settings(Topics.Names names) {
    return LearningJobs.onTopics(names)
        .with(Options.HORIZON, HORIZON)
        // one host on one partition: the others go idle at once, not after 30 s
        .with(Options.IDLENESS, Duration.ofSeconds(1))
        .with(Options.ONLINE_PRESET, "aggressive")
        // an update every 4 hours of event time, from the last 2 days, small and quick
        .with("online.update_frequency_minutes", "240")
        .with("online.min_samples_for_update", "24")
        .with("online.max_update_samples", "128")
        .with("online.online_batch_size", "32")
        .with("online.online_epochs", "2")
        .with("online.active_learning", "false")
        .with("online.holdout_share", "0.2")
        .with("online.holdout_block_minutes", "60");
  }

  /**
   * The first row from 150 on where {@link #POISON_ROWS} poisoned rows reach no hold-out sample:
   * neither as actuals (samples issued up to a horizon before) nor in an encoder window (samples
   * issued up to 48 steps after). A poisoned hold-out would score the candidate and the served
   * model on absurd windows alike, and is what a gate cannot be asked to see through; the harness
   * tests of the trainer poison training samples only, too.
   */
  private static int poisonStart(List<Row> input) {
    org.tftflink.model.online.sample.Holdout holdout =
        new org.tftflink.model.online.sample.Holdout(HOLDOUT_SHARE, HOLDOUT_BLOCK_MINUTES, 300, 48);
    for (int p = 150; p + POISON_ROWS < input.size(); p++) {
      long firstStep = input.get(p).ts() / STEP_MS;
      long lastStep = input.get(p + POISON_ROWS - 1).ts() / STEP_MS;
      boolean clear = true;
      for (long origin = firstStep - HORIZON + 1; clear && origin <= lastStep + 48; origin++) {
        clear =
            !holdout.isHoldout(
                new org.tftflink.model.online.MaturedSample(HOST, origin * STEP_MS, null, null, 0));
      }
      if (clear) {
        return p;
      }
    }
    throw new IllegalStateException("no stretch of the input misses the hold-out");
  }

  /** One event every {@code pauseMs}, so that events keep coming while an update runs. */
  private static void replayPaced(String topic, List<Row> chunk, long pauseMs) {
    java.util.Iterator<Row> it = chunk.iterator();
    java.util.Iterator<ReplayMessage> paced =
        new java.util.Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public ReplayMessage next() {
            try {
              Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return message(it.next());
          }
        };
    new Replayer(bootstrap, topic, 0, null).replay(paced);
  }

  private static void sendCommand(String topic, String command) throws Exception {
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "key.serializer",
                org.apache.kafka.common.serialization.ByteArraySerializer.class.getName(),
                "value.serializer",
                org.apache.kafka.common.serialization.ByteArraySerializer.class.getName()))) {
      producer
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  topic, command.getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static ReplayMessage message(Row r) {
    String json =
        "{\"host\":\"" + HOST + "\",\"ts\":" + r.ts() + ",\"metrics\":{\"cpu\":" + r.value() + "}}";
    return new ReplayMessage(HOST, json.getBytes(StandardCharsets.UTF_8));
  }

  private static Topics.Names topics(String prefix) {
    return Topics.Names.prefixed(prefix);
  }

  private static void replay(String topic, List<Row> chunk) {
    new Replayer(bootstrap, topic, 0, null).replay(chunk.stream().map(r -> message(r)).iterator());
  }

  private static void createTopics(Topics.Names names) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Topics.createAll(admin, names);
      // forecasts and audit lines may carry event time (2014): keep them while the test reads
      List<AlterConfigOp> keep =
          List.of(
              new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET));
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, names.forecasts()), keep,
                  new ConfigResource(ConfigResource.Type.TOPIC, names.modelEvents()), keep))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }
}
