package org.tftflink.job.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.JobQuiet;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.RocksDbMiniCluster;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.NabSeries;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.job.replay.Replayer;
import org.tftflink.model.tft.TftConfig;

/**
 * The timeline rule through the whole job (MiniCluster, RocksDB, a real broker): model v1 (epoch 1)
 * is served and a savepoint taken; the job runs on and serves v2 and v3 of epoch 1; then the older
 * savepoint is restored while v2 and v3 still sit in the model topic. After the restore no forecast
 * may carry v2 or v3: the restored v1 serves until v4 of epoch 2 arrives, and then v4.
 */
@ExtendWith(SharedKafka.class)
class ServingTimelineTest {

  private static final int HORIZON = 3;
  private static final TftConfig MODEL = TinyModels.config(HORIZON, 16);

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  @Test
  void shouldNeverServeAVersionOfTheAbandonedTimelineAfterRestoringAnOlderSavepoint()
      throws Exception {
    String bootstrap = SharedKafka.broker().bootstrapServers();
    createTopics(bootstrap);
    List<List<ReplayMessage>> parts = alignedNab(List.of(150, 100, 100, 100));
    String models = "tl-models";

    // timeline A: v1 served, savepoint 1 taken while the job runs on and serves v2 and v3 of epoch
    // 1
    ModelPublisher.publish(bootstrap, models, TinyModels.envelope(MODEL, 1, 1));
    replay(bootstrap, parts.get(0));
    String[] savepoint1 = new String[1];
    run(
        settings("tl-forecasts-a"),
        null,
        new Phase(
            count(parts, 1),
            job -> {
              savepoint1[0] =
                  job.triggerSavepoint(
                          stateDir.resolve("savepoints").toUri().toString(),
                          SavepointFormatType.CANONICAL)
                      .get(2, TimeUnit.MINUTES);
              ModelPublisher.publish(bootstrap, models, TinyModels.envelope(MODEL, 2, 1));
              ModelPublisher.publish(bootstrap, models, TinyModels.envelope(MODEL, 3, 1));
              Thread.sleep(2_000); // let the broadcast side take them before more data arrives
              replay(bootstrap, parts.get(1));
            }),
        new Phase(count(parts, 2), job -> {}));

    // timeline B: restore savepoint 1 while v2 and v3 sit in the topic, then v4 of epoch 2
    replay(bootstrap, parts.get(2));
    run(
        settings("tl-forecasts-b"),
        savepoint1[0],
        new Phase(
            count(parts, 3) - count(parts, 1),
            job -> {
              ModelPublisher.publish(bootstrap, models, TinyModels.envelope(MODEL, 4, 2));
              Thread.sleep(2_000);
              replay(bootstrap, parts.get(3));
            }),
        new Phase(count(parts, 4) - count(parts, 1), job -> {}));

    Map<String, Long> abandoned = versions(bootstrap, "tl-forecasts-a");
    Map<String, Long> restored = versions(bootstrap, "tl-forecasts-b");
    assertThat(abandoned)
        .containsKeys("tft1", "tft3"); // the abandoned timeline did serve its versions
    assertThat(restored).doesNotContainKeys("tft2", "tft3").containsKeys("tft1", "tft4");
  }

  /** Forecast counts by model ("baseline", "tft1", ...). */
  private static Map<String, Long> versions(String bootstrap, String topic) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> out = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        org.tftflink.job.TopicReaderAccess.readAll(bootstrap, topic)) {
      JsonNode model = json.readTree(r.value()).get("model");
      String key =
          model.get("kind").asText().equals("tft")
              ? "tft" + model.get("version").asLong()
              : "baseline";
      out.merge(key, 1L, Long::sum);
    }
    return out;
  }

  private static Settings settings(String forecasts) {
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, "tl-metrics")
        .with(Options.TOPIC_FORECASTS, forecasts)
        .with(Options.TOPIC_DLQ, "tl-dlq")
        .with(Options.TOPIC_MODELS, "tl-models")
        .with(Options.GROUP_ID, "tl")
        .with(Options.HORIZON, HORIZON)
        .with(Options.SERVING_BATCH_SIZE, 64);
  }

  private static void createTopics(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Topics.Names names =
          Topics.Names.defaults()
              .withMetrics("tl-metrics")
              .withMetricsDlq("tl-dlq")
              .withModels("tl-models")
              .withModelEvents("tl-model-events")
              .withControl("tl-control")
              .withForecasts("tl-forecasts-a");
      Topics.createAll(admin, names);
      Topics.createAll(admin, names.withForecasts("tl-forecasts-b"));
      // forecasts carry their issue time (2014 for NAB) as Kafka timestamp: time retention would
      // delete the rolled segments of replayed history while the test still reads them
      var keep =
          List.of(
              new org.apache.kafka.clients.admin.AlterConfigOp(
                  new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", "-1"),
                  org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET));
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new org.apache.kafka.common.config.ConfigResource(
                          org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                          "tl-forecasts-a"),
                      keep,
                  new org.apache.kafka.common.config.ConfigResource(
                          org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                          "tl-forecasts-b"),
                      keep))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void replay(String bootstrap, List<ReplayMessage> events) {
    new Replayer(bootstrap, "tl-metrics", 0, null).replay(events.iterator());
  }

  private static long count(List<List<ReplayMessage>> parts, int n) {
    return parts.subList(0, n).stream().mapToLong(List::size).sum();
  }

  /** Something to do while the job runs. */
  interface Step {
    void run(JobClient job) throws Exception;
  }

  /**
   * Wait until the job has accepted {@code events} and its forecasts are quiet, then do {@code
   * then}.
   */
  record Phase(long events, Step then) {}

  /**
   * Runs the job (restored from {@code savepoint} when given) through the phases, then stops it
   * with a savepoint.
   */
  private static void run(Settings settings, String savepoint, Phase... phases) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    KafkaPipeline.create(settings, SharedKafka.broker().bootstrapServers(), false).build(env);
    StreamGraph graph = env.getStreamGraph();
    if (savepoint != null) {
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
    }
    JobClient job = env.executeAsync(graph);
    for (Phase phase : phases) {
      JobQuiet.await(job, phase.events(), Duration.ofSeconds(3));
      phase.then().run(job);
    }
    job.stopWithSavepoint(
            false, stateDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  /**
   * Consecutive slices of the aligned NAB rows: {@code perHost.get(i)} rows of each host in slice
   * i.
   */
  private static List<List<ReplayMessage>> alignedNab(List<Integer> perHost) {
    Map<String, Integer> taken = new HashMap<>();
    List<List<ReplayMessage>> out = new ArrayList<>();
    perHost.forEach(n -> out.add(new ArrayList<>()));
    for (NabSeries.Row r : NabSeries.alignedRows()) {
      int i = taken.merge(r.host(), 1, Integer::sum);
      int slice = 0;
      int end = perHost.get(0);
      while (slice < perHost.size() && i > end) {
        slice++;
        end += slice < perHost.size() ? perHost.get(slice) : 0;
      }
      if (slice < perHost.size()) {
        out.get(slice).add(new ReplayMessage(r.host(), NabSeries.toJson(r)));
      }
    }
    return out;
  }
}
