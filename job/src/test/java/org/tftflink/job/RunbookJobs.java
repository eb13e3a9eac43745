package org.tftflink.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.Replayer;

/** The job of {@link RunbooksTest} on the shared broker: topics, input, submission, restore. */
final class RunbookJobs {

  private RunbookJobs() {}

  /** Submits the job like {@code flink run [-s savepoint] tft-flink-job.jar run --set ...}. */
  static JobClient start(Settings settings, String savepoint, List<JobClient> started)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    env.getConfig().setAutoWatermarkInterval(10);
    KafkaPipeline.create(settings, SharedKafka.broker().bootstrapServers(), false).build(env);
    StreamGraph graph = env.getStreamGraph();
    if (savepoint != null) {
      // the runbooks restore with allowNonRestoredState off: every piece of state must map
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
    }
    JobClient job = env.executeAsync(graph);
    started.add(job);
    return job;
  }

  static Settings settings(Topics.Names names, String forecasts, Duration idleness) {
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, names.metrics())
        .with(Options.TOPIC_FORECASTS, forecasts)
        .with(Options.TOPIC_DLQ, names.metricsDlq())
        .with(Options.TOPIC_MODELS, names.models())
        .with(Options.GROUP_ID, names.metrics())
        .with(Options.IDLENESS, idleness);
  }

  static Topics.Names topics(String prefix) {
    Topics.Names names = Topics.Names.prefixed(prefix);
    Topics.createAll(SharedKafka.broker().bootstrapServers(), names);
    return names;
  }

  static void replay(Path dir, Topics.Names names, List<byte[]> lines) throws Exception {
    Path file = Files.createTempFile(dir, "input", ".jsonl");
    Files.write(file, SampleInput.lines(lines));
    new Replayer(SharedKafka.broker().bootstrapServers(), names.metrics(), 0, null)
        .replayJsonLines(file);
  }
}
