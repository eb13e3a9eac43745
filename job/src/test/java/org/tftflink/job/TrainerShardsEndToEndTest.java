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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
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
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.Holdout;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.online.TrainerShards;
import org.tftflink.operators.serving.ServingMetrics;

/**
 * Federated trainer shards and rescaled trainer state in the running job (MiniCluster, RocksDB, the
 * real broker), from the demo's bundled model, with four hosts cut from NAB's {@code
 * realKnownCause/cpu_utilization_asg_misconfiguration} (before its level shift) and {@code
 * training.mode=sync}. Each test runs the job, stops it with a savepoint, restores it at another
 * parallelism and runs on:
 *
 * <ul>
 *   <li>{@code trainer.shards=2} at parallelism 2, then 1: both shards contribute to the averaged
 *       rounds ({@code federated_round} with both sample counts), a federated version is promoted
 *       and serves the forecasts;
 *   <li>one trainer (the default) at parallelism 1, then 2.
 * </ul>
 *
 * Across the rescale: one forecast per host and step; the trainer bumps its epoch and republishes
 * what it served, which inference keeps serving until the next version; the next version number
 * continues the old timeline; the aggregator's hold-out holds every hold-out sample matured so far,
 * none lost or doubled; the shards trained on every training sample exactly once.
 *
 * <p>The input is paced a round (two hours of event time) at a time, each chunk waiting until the
 * job is quiet and serves the versions committed so far, as a live stream would be.
 */
@ExtendWith(SharedKafka.class)
class TrainerShardsEndToEndTest {

  private static final Path SERIES =
      Path.of("/work/shared/data/nab/realKnownCause/cpu_utilization_asg_misconfiguration.csv");

  /** Two hosts per shard with two shards (TrainerShards.of: 0, 1, 0, 1). */
  private static final List<String> HOSTS = List.of("web-1", "web-2", "web-3", "web-4");

  private static final long STEP_MS = 300_000;
  private static final int HORIZON = 12;
  private static final int ROUND_MINUTES = 120;
  private static final int CHUNK = ROUND_MINUTES / 5; // one round of steps

  /** Steps before and after the savepoint. */
  private static final int BEFORE = 9 * CHUNK;

  private static final int AFTER = 4 * CHUNK;

  /** No new version or audit line for this long: the round or update in progress is done. */
  private static final Duration QUIET = Duration.ofSeconds(4);

  private static final double HOLDOUT_SHARE = 0.2;
  private static final int HOLDOUT_BLOCK_MINUTES = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  private static byte[] model;
  private static String bootstrap;

  /** Per step: the timestamp, and each host's value (host i reads the series 37·i rows later). */
  private static long[] times;

  private static double[][] values;

  @BeforeAll
  static void load() throws Exception {
    bootstrap = SharedKafka.broker().bootstrapServers();
    try (InputStream in =
        TrainerShardsEndToEndTest.class.getResourceAsStream("/models/nab-small.tft")) {
      model = in.readAllBytes();
    }
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    List<String> lines = Files.readAllLines(SERIES);
    int from = 16_000;
    int steps = BEFORE + AFTER;
    times = new long[steps];
    values = new double[steps][HOSTS.size()];
    for (int t = 0; t < steps; t++) {
      String[] p = lines.get(1 + from + t).split(",");
      times[t] = LocalDateTime.parse(p[0], f).toInstant(ZoneOffset.UTC).toEpochMilli();
      for (int h = 0; h < HOSTS.size(); h++) {
        values[t][h] = Double.parseDouble(lines.get(1 + from + t + 37 * h).split(",")[1]);
      }
    }
    for (int h = 0; h < HOSTS.size(); h++) {
      assertThat(TrainerShards.of(HOSTS.get(h), 2)).as(HOSTS.get(h)).isEqualTo(h % 2);
    }
  }

  @Test
  void shouldAverageBothShardsIntoAServedVersionAndKeepItAllAcrossARescaleFromTwoToOne()
      throws Exception {
    Topics.Names names = topics("tsf");
    Settings settings = settings(names).with(Options.TRAINER_SHARDS, 2);
    Runs runs = runAndRescale(names, settings, 2, 1);

    List<JsonNode> rounds = ofType(runs.events, LearningEvent.FEDERATED_ROUND);
    assertThat(rounds).isNotEmpty().allMatch(r -> r.get("details").get("shards").asInt() == 2);
    JsonNode both =
        rounds.stream()
            .filter(
                r ->
                    r.get("details").get("averaged").asBoolean()
                        && r.get("details").get("used_shards").size() == 2)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no round averaged both shards: " + rounds));
    JsonNode perShard = both.get("details").get("shard_samples");
    assertThat(perShard.get(0).asLong()).as("shard 0's samples").isPositive();
    assertThat(perShard.get(1).asLong()).as("shard 1's samples").isPositive();
    assertThat(ofType(runs.events, LearningEvent.UPDATE_STARTED))
        .as("every update is a federated round")
        .allMatch(e -> e.get("details").get("reason").asText().equals("federated"));

    // a federated version is promoted, published and served
    List<JsonNode> promoted = ofType(runs.events, LearningEvent.PROMOTED);
    assertThat(promoted).isNotEmpty();
    long firstPromoted = promoted.get(0).get("version").asLong();
    assertThat(runs.versions).extracting(ModelData::modelVersion).contains(firstPromoted);
    assertThat(runs.forecasts)
        .as("forecasts of a federated version")
        .anyMatch(f -> f.kind().equals("tft") && f.version() == firstPromoted);

    // the shards trained on every training sample once: the rounds' counts add up to the
    // samples outside the hold-out that matured before the last round's event time
    JsonNode last = rounds.get(rounds.size() - 1);
    long upTo = last.get("eventTimeMs").asLong();
    long trained = 0;
    for (JsonNode r : rounds) {
      for (JsonNode n : r.get("details").get("shard_samples")) {
        trained += n.asLong();
      }
    }
    assertThat(trained)
        .as("samples the shards trained on, across the rescale")
        .isEqualTo(maturedSamples(runs.forecasts, upTo, false));
    assertRescaleKeptTheTrainer(runs, true);
  }

  @Test
  void shouldKeepTheTrainerStateAcrossARescaleFromOneToTwo() throws Exception {
    Topics.Names names = topics("tsr");
    Runs runs = runAndRescale(names, settings(names), 1, 2);

    assertThat(ofType(runs.events, LearningEvent.FEDERATED_ROUND)).isEmpty();
    assertThat(ofType(runs.events, LearningEvent.UPDATE_STARTED)).isNotEmpty();
    assertRescaleKeptTheTrainer(runs, false);
  }

  /**
   * What the rescale must keep: forecasts, timeline, served version, version numbers, and the
   * learner's hold-out ({@code exactHoldout}: the federated aggregator decides on the watermark, so
   * its hold-out at a round is exactly the hold-out samples up to its clock; one trainer decides on
   * a sample, when samples of the same step from the other inference subtask may still be on their
   * way, so there it is bounded from both sides).
   */
  private static void assertRescaleKeptTheTrainer(Runs runs, boolean exactHoldout) {
    assertEveryEventMatchesTheSchema(runs.events);
    assertOneForecastPerHostAndStep(runs.forecasts);

    // one epoch bump; the restored trainer first republishes what it served
    List<ModelData> before = runs.versions.subList(1, runs.versionsBefore); // after the test's
    List<ModelData> after = runs.versions.subList(runs.versionsBefore, runs.versions.size());
    assertThat(before).extracting(ModelData::epoch).containsOnly(1L);
    assertThat(after).extracting(ModelData::epoch).containsOnly(2L);
    long servedAtSavepoint = before.isEmpty() ? 1 : before.get(before.size() - 1).modelVersion();
    assertThat(after).isNotEmpty();
    assertThat(after.get(0).modelVersion())
        .as("republished after the restore")
        .isEqualTo(servedAtSavepoint);
    assertThat(runs.versions).extracting(ModelData::modelVersion).isSorted();

    // inference serves from its restored model: the version of its last forecasts before the
    // savepoint, or one it accepted after them (at most what the trainer served then; a version
    // the trainer published just before the savepoint reaches inference only as its republication)
    long lastBeforeVersion =
        runs.forecasts.stream()
            .filter(f -> runs.forecastsBefore.contains(f.host() + "@" + f.issuedAt()))
            .filter(f -> f.kind().equals("tft"))
            .reduce((a, b) -> b)
            .orElseThrow()
            .version();
    Fc firstAfter =
        runs.forecasts.stream()
            .filter(f -> !runs.forecastsBefore.contains(f.host() + "@" + f.issuedAt()))
            .filter(f -> f.kind().equals("tft"))
            .findFirst()
            .orElseThrow();
    assertThat(firstAfter.version())
        .as("first forecast after the restore")
        .isBetween(lastBeforeVersion, servedAtSavepoint);

    // the next version number continues the old timeline: no number reused, none skipped
    long lastCandidateBefore =
        decided(runs.events.subList(0, runs.eventsBefore)).stream()
            .mapToLong(v -> v)
            .max()
            .orElse(-1);
    List<Long> candidatesAfter = decided(runs.eventsAfter());
    assertThat(lastCandidateBefore).as("a decided candidate before the savepoint").isPositive();
    assertThat(candidatesAfter).as("candidates decided after the restore").isNotEmpty();
    assertThat(candidatesAfter.get(0))
        .as("first candidate after the restore")
        .isEqualTo(lastCandidateBefore + 1);

    // the learner's hold-out holds every hold-out sample matured before: none lost or doubled
    List<JsonNode> startedBefore =
        ofType(runs.events.subList(0, runs.eventsBefore), LearningEvent.UPDATE_STARTED);
    JsonNode started = ofType(runs.eventsAfter(), LearningEvent.UPDATE_STARTED).get(0);
    long holdout = started.get("details").get("holdout").asLong();
    long clock = started.get("eventTimeMs").asLong();
    if (exactHoldout) {
      assertThat(holdout)
          .as("hold-out at the first update after the restore: " + started)
          .isEqualTo(maturedSamples(runs.forecasts, clock, true));
    } else {
      long lastBefore =
          startedBefore.get(startedBefore.size() - 1).get("details").get("holdout").asLong();
      assertThat(holdout)
          .as("hold-out at the first update after the restore: " + started)
          .isGreaterThan(lastBefore)
          .isLessThanOrEqualTo(maturedSamples(runs.forecasts, clock, true));
    }
  }

  /** Versions of the candidates decided (promoted or rejected), in order. */
  private static List<Long> decided(List<JsonNode> events) {
    List<Long> out = new ArrayList<>();
    for (JsonNode e : events) {
      String type = e.get("type").asText();
      if (type.equals(LearningEvent.PROMOTED) || type.equals(LearningEvent.REJECTED)) {
        out.add(e.get("version").asLong());
      }
    }
    return out;
  }

  /**
   * The samples that matured from the TFT forecasts issued up to {@code upToMs}, in the hold-out or
   * not (the hold-out's blocks are a pure function of host and origin).
   */
  private static long maturedSamples(List<Fc> forecasts, long upToMs, boolean holdout) {
    Holdout h = new Holdout(HOLDOUT_SHARE, HOLDOUT_BLOCK_MINUTES, 500, 168);
    return forecasts.stream()
        .filter(f -> f.kind().equals("tft") && f.issuedAt() <= upToMs)
        .filter(
            f -> h.isHoldout(new MaturedSample(f.host(), f.issuedAt(), null, null, 0)) == holdout)
        .count();
  }

  // ---- the runs ----

  record Fc(String host, long issuedAt, String kind, long version, long epoch) {}

  /**
   * @param eventsBefore audit lines written before the savepoint (the topic has one partition)
   * @param versionsBefore model messages before the savepoint (one partition)
   * @param forecastsBefore (host, issuedAt) of the forecasts committed before the savepoint
   */
  record Runs(
      List<ModelData> versions,
      List<JsonNode> events,
      List<Fc> forecasts,
      int eventsBefore,
      int versionsBefore,
      java.util.Set<String> forecastsBefore) {

    List<JsonNode> eventsAfter() {
      return events.subList(eventsBefore, events.size());
    }
  }

  /** Steps [0, BEFORE) at parallelism p1, a savepoint, then the rest at p2 restored from it. */
  private static Runs runAndRescale(Topics.Names names, Settings settings, int p1, int p2)
      throws Exception {
    createTopics(names);
    ModelPublisher.publish(bootstrap, names.models(), model);
    long t0 = System.nanoTime();
    String savepoint = run(names, settings, p1, null, 0, BEFORE);
    int eventsBefore = events(names.modelEvents()).size();
    int versionsBefore = versions(names.models()).size();
    java.util.Set<String> forecastsBefore = new java.util.HashSet<>();
    forecasts(names).forEach(f -> forecastsBefore.add(f.host() + "@" + f.issuedAt()));
    String end = run(names, settings, p2, savepoint, BEFORE, BEFORE + AFTER);
    System.out.printf(
        "trainer shards e2e %s: parallelism %d -> %d in %.1f s (savepoints %s, %s)%n",
        names.metrics(), p1, p2, (System.nanoTime() - t0) / 1e9, savepoint, end);
    List<JsonNode> events = events(names.modelEvents());
    print(names.metrics(), events);
    return new Runs(
        versions(names.models()),
        events,
        forecasts(names),
        eventsBefore,
        versionsBefore,
        forecastsBefore);
  }

  /** Runs steps [from, to) and stops with a savepoint, whose path it returns. */
  private static String run(
      Topics.Names names, Settings settings, int parallelism, String savepoint, int from, int to)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    env.enableCheckpointing(300);
    KafkaPipeline.create(settings, bootstrap, false, model).build(env);
    StreamGraph graph = env.getStreamGraph();
    if (savepoint != null) {
      // allowNonRestoredState off: every piece of state must find its operator
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
    }
    JobClient job = env.executeAsync(graph);
    // a fresh job reads the model topic from its start, a restored one from its savepoint's offset
    int committedAtStart = savepoint == null ? 0 : versions(names.models()).size();
    long sent = 0;
    for (int t = from; t < to; t += CHUNK) {
      int until = Math.min(to, t + CHUNK);
      replay(names.metrics(), t, until);
      sent += (long) (until - t) * HOSTS.size();
      JobQuiet.await(job, sent, Duration.ofSeconds(2));
      awaitLearningQuiet(job, names, parallelism, committedAtStart);
    }
    return job.stopWithSavepoint(
            false, stateDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  /**
   * Waits until the learning loop is quiet: no new version or audit line for {@link #QUIET} (a
   * round or an update that started at the end of a chunk has finished and committed) and every
   * inference subtask has accepted the versions committed since this run started (a restored job
   * reads the model topic on from its savepoint's offset). Without it a version promoted just
   * before the savepoint would reach inference only after the restore, and a shard would train its
   * next round from the version before.
   */
  private static void awaitLearningQuiet(
      JobClient job, Topics.Names names, int parallelism, int before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int lastVersions = -1;
    int lastEvents = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      int committed = versions(names.models()).size();
      int events = TopicReader.readAll(bootstrap, names.modelEvents()).size();
      if (committed != lastVersions || events != lastEvents) {
        lastVersions = committed;
        lastEvents = events;
        stableSince = System.nanoTime();
        continue;
      }
      Map<String, Object> acc = job.getAccumulators().get(10, TimeUnit.SECONDS);
      long accepted = acc.get(ServingMetrics.MODELS_ACCEPTED) instanceof Long n ? n : 0;
      if (System.nanoTime() - stableSince > QUIET.toNanos()
          && accepted >= (long) (committed - before) * parallelism) {
        return;
      }
    }
    throw new AssertionError("the learning loop did not go quiet within 90 s");
  }

  private static Settings settings(Topics.Names names) {
    return LearningJobs.onTopics(names)
        .with(Options.HORIZON, HORIZON)
        .with(Options.IDLENESS, Duration.ofSeconds(1))
        .with(Options.TRAINING_MODE, "sync")
        .with(Options.ONLINE_PRESET, "aggressive")
        // a round (or an update) every two hours of event time, on every new sample
        .with("online.update_frequency_minutes", String.valueOf(ROUND_MINUTES))
        .with("online.min_samples_for_update", "24")
        .with("online.strategy", "sliding_window")
        .with("online.max_update_samples", "2048")
        .with("online.online_batch_size", "32")
        .with("online.online_epochs", "2")
        .with("online.active_learning", "false")
        .with("online.drift_detection_enabled", "false")
        .with("online.enable_rollback", "false")
        .with("online.validation_threshold", "0.2")
        .with("online.sliding_window_hours", "168")
        .with("online.holdout_max_samples", "500")
        .with("online.holdout_share", String.valueOf(HOLDOUT_SHARE))
        .with("online.holdout_block_minutes", String.valueOf(HOLDOUT_BLOCK_MINUTES));
  }

  // ---- what the runs left in their topics ----

  private static List<JsonNode> ofType(List<JsonNode> events, String type) {
    return events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
  }

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
      out.add(
          new Fc(
              f.get("host").asText(),
              java.time.Instant.parse(f.get("issuedAt").asText()).toEpochMilli(),
              f.get("model").get("kind").asText(),
              f.get("model").get("version").asLong(),
              f.get("model").get("epoch").asLong()));
    }
    out.sort(java.util.Comparator.comparingLong(Fc::issuedAt));
    return out;
  }

  private static void assertOneForecastPerHostAndStep(List<Fc> forecasts) {
    Map<String, TreeMap<Long, Integer>> byHost = new HashMap<>();
    for (Fc f : forecasts) {
      byHost
          .computeIfAbsent(f.host(), h -> new TreeMap<>())
          .merge(f.issuedAt() / STEP_MS, 1, Integer::sum);
    }
    assertThat(byHost.keySet()).containsExactlyInAnyOrderElementsOf(HOSTS);
    byHost.forEach(
        (host, steps) -> {
          assertThat(steps.values()).as("forecasts per step of " + host).containsOnly(1);
          assertThat(steps.lastKey() - steps.firstKey() + 1)
              .as("steps of " + host + " from its first forecast to its last")
              .isEqualTo(steps.size());
        });
  }

  private static void assertEveryEventMatchesTheSchema(List<JsonNode> events) {
    for (JsonNode e : events) {
      assertThat(ContractSchemas.errors("model-event.schema.json", e)).as(e.toString()).isEmpty();
    }
  }

  private static void print(String run, List<JsonNode> events) {
    for (JsonNode e : events) {
      String d = e.get("details").toString();
      System.out.printf(
          "%s %s %s v%d %s%n",
          run,
          java.time.Instant.ofEpochMilli(e.get("eventTimeMs").asLong()),
          e.get("type").asText(),
          e.get("version").asLong(),
          d.length() > 240 ? d.substring(0, 240) : d);
    }
  }

  // ---- input and topics ----

  private static void replay(String topic, int from, int to) {
    List<ReplayMessage> messages = new ArrayList<>();
    for (int t = from; t < to; t++) {
      for (int h = 0; h < HOSTS.size(); h++) {
        String json =
            "{\"host\":\""
                + HOSTS.get(h)
                + "\",\"ts\":"
                + times[t]
                + ",\"metrics\":{\"cpu\":"
                + values[t][h]
                + "}}";
        // one partition for all hosts, in time order: the other partitions go idle at once, and
        // no host's events fall behind a watermark another partition's reader moved on
        messages.add(new ReplayMessage("fleet", json.getBytes(StandardCharsets.UTF_8)));
      }
    }
    new Replayer(bootstrap, topic, 0, null).replay(messages.iterator());
  }

  private static Topics.Names topics(String prefix) {
    return Topics.Names.prefixed(prefix);
  }

  private static void createTopics(Topics.Names names) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Topics.createAll(admin, names);
      // forecasts and audit lines carry event time (2014): keep them while the test reads
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
