package org.tftflink.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster of the job tests, set up like production: RocksDB state and filesystem
 * checkpoints, one task manager with two slots.
 */
public final class RocksDbMiniCluster {

  private RocksDbMiniCluster() {}

  /** An extension whose state lives under {@code stateDir}, read when the cluster starts. */
  public static MiniClusterExtension extension(Supplier<Path> stateDir) {
    return new MiniClusterExtension(
        () ->
            new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .setConfiguration(configuration(stateDir.get()))
                .build());
  }

  static Configuration configuration(Path stateDir) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        stateDir.resolve("checkpoints").toUri().toString());
    conf.setString("state.backend.rocksdb.localdir", stateDir.resolve("rocksdb").toString());
    // accumulators reach the client with heartbeats: tests that wait on them get them each second
    conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
    return conf;
  }
}
