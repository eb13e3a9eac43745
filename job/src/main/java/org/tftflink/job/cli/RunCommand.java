package org.tftflink.job.cli;

import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.NativeBackend;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;

/**
 * Runs the job on the environment it is submitted to: a Flink cluster ({@code flink run
 * tft-flink-job.jar run --set kafka.bootstrap=...}) or, started from a plain JVM, a local one.
 */
public final class RunCommand implements Command {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run the job against an existing Kafka (on a Flink cluster: flink run <jar> run ...)";
  }

  @Override
  public String usage() {
    return "usage: ./tft run --set kafka.bootstrap=HOST:PORT [--config FILE] [--set key=value ...]";
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Settings settings = Args.parse(argv, Set.of(), Set.of()).settings(Settings.defaults());
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
