package org.tftflink.job;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded Flink of {@code ./tft demo} and the benchmarks: a local cluster with the web UI,
 * RocksDB state and filesystem checkpoints, configured like a production job.
 */
public final class LocalFlink {

  private LocalFlink() {}

  public static Configuration configuration(
      Path stateDir, Duration checkpointInterval, int restPort) {
    Configuration conf = new Configuration();
    conf.set(RestOptions.PORT, restPort);
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        stateDir.resolve("checkpoints").toUri().toString());
    conf.set(
        CheckpointingOptions.SAVEPOINT_DIRECTORY,
        stateDir.resolve("savepoints").toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
    conf.setString("state.backend.rocksdb.localdir", stateDir.resolve("rocksdb").toString());
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
    return conf;
  }

  /** A local environment serving the Flink web UI on {@code restPort}. */
  public static StreamExecutionEnvironment withWebUi(Configuration conf) {
    return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
  }

  /**
   * The benchmarks' environment: no web UI, RocksDB state under {@code stateDir}, checkpoints (and
   * so exactly-once commits) every {@code checkpointInterval}.
   */
  public static StreamExecutionEnvironment forBenchmark(
      Path stateDir, Duration checkpointInterval, int parallelism) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(
            configuration(stateDir, checkpointInterval, 0));
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointInterval.toMillis());
    return env;
  }
}
