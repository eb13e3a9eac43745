package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.NabSeries;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.job.replay.Replayer;

/**
 * Stop-with-savepoint in the middle of the data and resume from the savepoint (RocksDB state, Kafka
 * offsets, pending exactly-once transactions): the forecasts are exactly those of an uninterrupted
 * run, none lost, none duplicated.
 */
@ExtendWith(SharedKafka.class)
class SavepointRestoreTest {

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  @Test
  void shouldResumeFromASavepointWithoutLosingOrRepeatingAForecast() throws Exception {
    String bootstrap = SharedKafka.broker().bootstrapServers();
    List<ReplayMessage> all = alignedNab(1_200);
    List<ReplayMessage> firstHalf = all.subList(0, all.size() / 2);
    List<ReplayMessage> secondHalf = all.subList(all.size() / 2, all.size());

    // reference: one uninterrupted run over all the data, stopped once it is quiet
    Settings reference = settings("ref");
    createTopics(bootstrap, "ref");
    new Replayer(bootstrap, "ref-metrics", 0, null).replay(all.iterator());
    runUntilQuiet(reference, null, all.size());

    // the same data with a stop-with-savepoint half way, then a restore from it
    Settings resumed = settings("sp");
    createTopics(bootstrap, "sp");
    new Replayer(bootstrap, "sp-metrics", 0, null).replay(firstHalf.iterator());
    String savepoint = runUntilQuiet(resumed, null, firstHalf.size());
    new Replayer(bootstrap, "sp-metrics", 0, null).replay(secondHalf.iterator());
    runUntilQuiet(resumed, savepoint, secondHalf.size());

    Map<String, String> expected = byHostAndTime(TopicReader.readAll(bootstrap, "ref-forecasts"));
    Map<String, String> actual = byHostAndTime(TopicReader.readAll(bootstrap, "sp-forecasts"));
    assertThat(expected).isNotEmpty();
    assertThat(actual).isEqualTo(expected);
    assertThat(TopicReader.readAll(bootstrap, "sp-forecasts")).hasSameSizeAs(actual.keySet());
  }

  private static Settings settings(String prefix) {
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, prefix + "-metrics")
        .with(Options.TOPIC_FORECASTS, prefix + "-forecasts")
        .with(Options.TOPIC_DLQ, prefix + "-dlq")
        .with(Options.TOPIC_MODELS, prefix + "-models")
        .with(Options.GROUP_ID, prefix);
  }

  private static StreamExecutionEnvironment environment() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    return env;
  }

  private static void createTopics(String bootstrap, String prefix) {
    Topics.createAll(bootstrap, Topics.Names.prefixed(prefix));
  }

  /**
   * Runs the job (restored from {@code savepoint} when given) until it has accepted {@code events}
   * and its forecast count has not moved for a few watermark intervals, then stops it with a
   * savepoint (without draining: open steps stay open, as at any upgrade) and returns the path. The
   * Kafka source's restored splits keep their own (unbounded) stopping offsets, so a restored job
   * is stopped this way rather than by a bounded source.
   */
  private static String runUntilQuiet(Settings settings, String savepoint, long events)
      throws Exception {
    String bootstrap = SharedKafka.broker().bootstrapServers();
    StreamExecutionEnvironment env = environment();
    KafkaPipeline.create(settings, bootstrap, false).build(env);
    StreamGraph graph = env.getStreamGraph();
    if (savepoint != null) {
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
    }
    JobClient job = env.executeAsync(graph);
    JobQuiet.await(job, events, Duration.ofSeconds(4));
    return job.stopWithSavepoint(
            false, stateDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  /** The first {@code perHost} rows of each bundled NAB series, aligned in time (see NabSeries). */
  private static List<ReplayMessage> alignedNab(int perHost) {
    Map<String, Integer> taken = new HashMap<>();
    List<ReplayMessage> out = new ArrayList<>();
    for (NabSeries.Row r : NabSeries.alignedRows()) {
      if (taken.merge(r.host(), 1, Integer::sum) <= perHost) {
        out.add(new ReplayMessage(r.host(), NabSeries.toJson(r)));
      }
    }
    return out;
  }

  /** Forecast JSON by "host@issuedAt"; a duplicate key fails. */
  private static Map<String, String> byHostAndTime(List<ConsumerRecord<byte[], byte[]>> records)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      var f = json.readTree(r.value());
      String key = f.get("host").asText() + "@" + f.get("issuedAt").asText();
      assertThat(out.put(key, f.toString())).as("duplicate forecast %s", key).isNull();
    }
    return out;
  }
}
