package org.tftflink.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * A job that fails on every attempt, on a local cluster with the REST API as the demo runs it: the
 * health reading counts each restart, ends FAILED after the allowed restarts and names the root
 * cause.
 */
class JobHealthTest {

  @Test
  void shouldCountRestartsAndNameTheRootCauseOfAJobThatKeepsFailing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Configuration conf = new Configuration();
    conf.set(RestOptions.PORT, port);
    conf.setString(JobHealth.REFRESH_INTERVAL_KEY, JobHealth.REFRESH_INTERVAL_MS);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY,
        RestartStrategyOptions.RestartStrategyType.FIXED_DELAY.getMainValue());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    env.setParallelism(1);
    env.fromSequence(0, Long.MAX_VALUE).map(new FailAfter(10)).sinkTo(new DiscardingSink<>());
    JobClient job = env.executeAsync("always failing");

    JobHealth health = new JobHealth(job, port);
    JobHealth.Reading reading = health.read();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (reading.status() != JobStatus.FAILED && System.nanoTime() < deadline) {
      Thread.sleep(200);
      reading = health.read();
    }

    assertThat(reading.status()).isEqualTo(JobStatus.FAILED);
    assertThat(reading.restarts()).isEqualTo(2);
    assertThat(reading.latestCause()).contains("sensor 10 is on fire");
  }

  @Test
  void shouldTakeTheInnermostCauseOfAPrintedStackTrace() {
    String trace =
        String.join(
            "\n",
            "java.io.IOException: One or more Kafka Producer send requests have encountered exception",
            "\tat org.apache.flink.Foo.bar(Foo.java:1)",
            "Caused by: org.apache.flink.util.FlinkRuntimeException: Failed to send data to Kafka",
            "\t... 7 more",
            "Caused by: org.apache.kafka.common.errors.RecordTooLargeException: The message is 2000605"
                + " bytes");

    assertThat(JobHealth.rootCause(trace))
        .isEqualTo(
            "org.apache.kafka.common.errors.RecordTooLargeException: The message is 2000605 bytes");
    assertThat(JobHealth.rootCause("java.lang.IllegalStateException: boom"))
        .isEqualTo("java.lang.IllegalStateException: boom");
  }

  private static final class FailAfter implements MapFunction<Long, Long> {
    private final long limit;

    FailAfter(long limit) {
      this.limit = limit;
    }

    @Override
    public Long map(Long value) throws InterruptedException {
      // each attempt runs about a second: long enough to be seen, as the demo's job is
      Thread.sleep(100);
      if (value >= limit) {
        throw new IllegalStateException("sensor " + value + " is on fire");
      }
      return value;
    }
  }
}
