package org.tftflink.job.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.tftflink.job.ForecastJob;
import org.tftflink.job.LocalFlink;

/**
 * A MiniCluster configured like production (RocksDB, incremental filesystem checkpoints, a
 * fixed-delay restart strategy) running one job, with what the scenarios read of it: status,
 * restarts, accumulators, checkpoint statistics, and a drain-and-stop.
 */
public final class ChaosCluster implements AutoCloseable {

  private final MiniCluster cluster;
  private final Configuration conf;
  private final Path stateDir;
  private JobID job;
  private int restartsSeen;

  /**
   * @param restartAttempts restarts allowed before the job fails for good
   */
  public ChaosCluster(Path stateDir, Duration checkpointInterval, int restartAttempts)
      throws Exception {
    this.stateDir = stateDir;
    conf = LocalFlink.configuration(stateDir, checkpointInterval, 0);
    conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY,
        RestartStrategyOptions.RestartStrategyType.FIXED_DELAY.getMainValue());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    // as in k8s/tft-flink.yaml; each checkpoint flushes RocksDB's memtables, so its key estimates
    // see deletions
    conf.set(org.apache.flink.configuration.CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.setString("state.backend.rocksdb.metrics.estimate-num-keys", "true");
    // the REST API's metrics are fetched from the task managers at most this often
    conf.setString("metrics.fetcher.update-interval", "500");
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
    cluster.start();
    ChaosSuite.timing("minicluster started");
  }

  /** Submits {@code job} with {@code parallelism} and checkpoints on. */
  public JobID submit(ForecastJob forecastJob, int parallelism, String name) throws Exception {
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(
        conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL)
            .toMillis());
    forecastJob.build(env);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(name);
    job = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    ChaosSuite.timing("submitted");
    return job;
  }

  public JobStatus status() throws Exception {
    return cluster.getJobStatus(job).get(10, TimeUnit.SECONDS);
  }

  /** Waits until every task runs (so that faults and load hit a started job). */
  public void awaitRunning(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      AccessExecutionGraph g = graph();
      boolean all = g.getState() == JobStatus.RUNNING;
      for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
        all &= v.getExecutionState() == org.apache.flink.runtime.execution.ExecutionState.RUNNING;
      }
      if (all) {
        ChaosSuite.timing("running");
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the job's tasks were not all running within " + max);
  }

  /**
   * Restarts of the job so far: the highest execution attempt number of its subtasks (a restart of
   * the job's one failover region raises them all).
   */
  public int restarts() throws Exception {
    int r = restartsSeen;
    for (AccessExecutionVertex v : graph().getAllExecutionVertices()) {
      r = Math.max(r, v.getCurrentExecutionAttempt().getAttemptNumber());
    }
    restartsSeen = r;
    return r;
  }

  /** The job's checkpoint statistics (completed, failed, sizes and durations). */
  public CheckpointStatsSnapshot checkpoints() throws Exception {
    return graph().getCheckpointStatsSnapshot();
  }

  /** The running job's accumulators (as of the last heartbeat), by name. */
  public Map<String, Long> accumulators() throws Exception {
    Map<String, Long> out = new HashMap<>();
    for (var a : graph().getAccumulatorResultsStringified()) {
      try {
        out.put(a.getName(), Long.parseLong(a.getValue()));
      } catch (NumberFormatException notALong) {
        // only the long counters are figures
      }
    }
    return out;
  }

  /** Waits for the job to end and returns its final accumulators; throws if it failed. */
  public Map<String, Object> awaitFinished(Duration max) throws Exception {
    JobResult result = cluster.requestJobResult(job).get(max.toMillis(), TimeUnit.MILLISECONDS);
    restarts();
    return result.toJobExecutionResult(getClass().getClassLoader()).getAllAccumulatorResults();
  }

  /**
   * Stops the job with a savepoint after draining event time (every open step closes and is
   * forecast, the last transactions commit), then returns its final accumulators.
   */
  public Map<String, Object> drainAndStop(Duration max) throws Exception {
    restarts();
    var cp = checkpoints();
    ChaosSuite.timing(
        "checkpoints completed "
            + cp.getCounts().getNumberOfCompletedCheckpoints()
            + " failed "
            + cp.getCounts().getNumberOfFailedCheckpoints()
            + " avg ms "
            + cp.getSummaryStats().getEndToEndDurationStats().getAverage());
    cluster
        .stopWithSavepoint(
            job,
            stateDir.resolve("savepoints").toUri().toString(),
            true,
            SavepointFormatType.CANONICAL)
        .get(max.toMillis(), TimeUnit.MILLISECONDS);
    ChaosSuite.timing("savepoint done");
    var r = awaitFinished(max);
    ChaosSuite.timing("finished");
    return r;
  }

  /**
   * Takes a canonical savepoint and lets the job run on; returns the bytes of its files. A
   * canonical savepoint holds every live state entry once, and nothing deleted, whatever the state
   * backend's files hold meanwhile.
   */
  public long savepointBytes(Duration max) throws Exception {
    String path =
        cluster
            .triggerSavepoint(
                job,
                stateDir.resolve("savepoints").toUri().toString(),
                false,
                SavepointFormatType.CANONICAL)
            .get(max.toMillis(), TimeUnit.MILLISECONDS);
    ChaosSuite.timing("savepoint " + path);
    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(java.net.URI.create(path)))) {
      return files
          .filter(java.nio.file.Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return java.nio.file.Files.size(p);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  /** The REST API's address (for per-operator metrics such as RocksDB's key estimates). */
  public String restAddress() throws Exception {
    return cluster.getRestAddress().get(10, TimeUnit.SECONDS).toString();
  }

  public JobID jobId() {
    return job;
  }

  private AccessExecutionGraph graph() throws Exception {
    return cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    cluster.close();
    ChaosSuite.timing("minicluster closed");
  }
}
