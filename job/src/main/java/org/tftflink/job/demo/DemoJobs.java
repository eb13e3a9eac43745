package org.tftflink.job.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.tftflink.job.LocalFlink;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.operators.serving.ServingMetrics;

/**
 * How the demo drives its local job: the environment (restart strategy, REST refresh), waiting for
 * the model, and stopping with or without draining, or cancelling a job that cannot take a
 * savepoint.
 */
final class DemoJobs {

  private DemoJobs() {}

  /** Delay between a failure and Flink's restart of the job. */
  private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  static StreamExecutionEnvironment environment(Settings s, Path stateDir, int port) {
    Configuration conf =
        LocalFlink.configuration(stateDir, s.get(Options.CHECKPOINT_INTERVAL), port);
    // accumulators reach the client with heartbeats: report them every second for the progress line
    conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
    // a job that keeps failing ends as FAILED after this many restarts, and the demo with it
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY,
        RestartStrategyOptions.RestartStrategyType.FIXED_DELAY.getMainValue());
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
        s.get(Options.DEMO_MAX_RESTARTS));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);
    conf.setString(JobHealth.REFRESH_INTERVAL_KEY, JobHealth.REFRESH_INTERVAL_MS);
    StreamExecutionEnvironment env = LocalFlink.withWebUi(conf);
    env.setParallelism(s.get(Options.PARALLELISM));
    env.enableCheckpointing(s.get(Options.CHECKPOINT_INTERVAL).toMillis());
    return env;
  }

  /**
   * Stops the job with a savepoint: with {@code drain}, Flink first sends the end of event time,
   * closing every open step (the bounded replay's last steps, and those that idle partitions held
   * back); without, the open steps stay in the savepoint for a resumed run. A job that is not
   * running (restarting) cannot take a savepoint and is cancelled.
   */
  static void stopJob(JobClient job, JobHealth health, Path stateDir, boolean drain) {
    JobStatus status = health.read().status();
    if (status != JobStatus.RUNNING) {
      System.out.println("tft demo: the job is " + status + ": cancelling it (no savepoint)");
      cancelIfRunning(job);
      return;
    }
    System.out.println(
        drain
            ? "tft demo: the input is consumed: stopping the job with a savepoint after draining"
                + " event time (closes every step, commits the last transactions) ..."
            : "tft demo: stopping the job with a savepoint (commits the last transactions) ...");
    Duration budget = drain ? Duration.ofMinutes(2) : DemoStop.SAVEPOINT_BUDGET;
    try {
      String savepoint =
          job.stopWithSavepoint(
                  drain,
                  stateDir.resolve("savepoints").toUri().toString(),
                  SavepointFormatType.CANONICAL)
              .get(budget.toMillis(), TimeUnit.MILLISECONDS);
      System.out.println("tft demo: savepoint " + savepoint);
    } catch (Exception e) {
      System.out.println(
          "tft demo: no savepoint ("
              + ExceptionUtils.stripExecutionException(e)
              + "); cancelling the job");
      cancelIfRunning(job);
    }
  }

  static void cancelIfRunning(JobClient job) {
    try {
      if (!job.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) {
        job.cancel().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // already gone: nothing to cancel
    }
  }

  /**
   * Waits (at most 30 s, less on a signal) until every subtask has accepted the published model, so
   * that the replay's first hosts to warm up already get TFT forecasts: the model and the metrics
   * arrive on two inputs of the operator, which Flink does not order.
   */
  static void awaitModelAccepted(JobClient job, int subtasks, DemoStop stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !stop.requested()) {
      try {
        Object n =
            job.getAccumulators().get(5, TimeUnit.SECONDS).get(ServingMetrics.MODELS_ACCEPTED);
        if (n instanceof Long accepted && accepted >= subtasks) {
          System.out.println("tft demo: every subtask serves the model");
          return;
        }
      } catch (Exception e) {
        // the job is still starting
      }
      stop.await(Duration.ofMillis(250));
    }
    System.out.println(
        "tft demo: the model was not accepted within 30 s; forecasts stay baseline until it is");
  }

  /** A free port for the web UI, so that the REST API (failures, restarts) is reachable. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
