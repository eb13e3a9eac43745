package org.tftflink.job.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.NativeBackend;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the job on the environment it is submitted to: a Flink cluster ({@code flink run
 * tft-flink-job.jar run --set kafka.bootstrap=...}) or, started from a plain JVM, a local one.
 */
@Command(
    name = "run",
    sortOptions = false,
    description =
        "run the job against an existing Kafka (on a Flink cluster: flink run <jar> run ...)",
    customSynopsis =
        "./tft run --set kafka.bootstrap=HOST:PORT [--config FILE] [--set key=value ...]")
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin JobOptions job = new JobOptions();

  /** The job's settings from the parsed arguments. */
  public Settings settings() throws IOException {
    return job.settings(Settings.defaults());
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = settings();
    String bootstrap = settings.get(Options.BOOTSTRAP);
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "kafka.bootstrap is required (the embedded broker is for ./tft demo)");
    }
    // where the job starts (the JobManager in application mode); each TaskManager's ND4J logs
    // its own "Loaded [...] backend" line when its first model loads
    LOG.info("ND4J backend: {}", NativeBackend.describe());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(settings.get(Options.PARALLELISM));
    env.enableCheckpointing(settings.get(Options.CHECKPOINT_INTERVAL).toMillis());
    KafkaPipeline.create(settings, bootstrap, false).build(env);
    env.execute("tft-flink forecasts");
    return 0;
  }
}
