package org.tftflink.job.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.LocalFlink;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.PipelineConfig;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.job.replay.Replayer;
import org.tftflink.operators.forecast.HostForecaster;

/**
 * {@code ./tft bench pipeline}: events/s from Kafka through the job to Kafka, for (a) a
 * pass-through job (parse, keyBy, write) and (b) the full pipeline with the baseline, on the same
 * pre-loaded input of {@code hosts} hosts, alternating a, b, a, b in one process and reporting the
 * later (warm) run of each and their ratio.
 */
public final class PipelineBench {

  public record Result(String job, long events, long outputs, double seconds) {
    public double eventsPerSecond() {
      return events / seconds;
    }
  }

  private final int hosts;
  private final int steps;
  private final int parallelism;
  private final int rounds;

  public PipelineBench(int hosts, int steps, int parallelism, int rounds) {
    this.hosts = hosts;
    this.steps = steps;
    this.parallelism = parallelism;
    this.rounds = rounds;
  }

  public List<Result> run() throws Exception {
    List<Result> results = new ArrayList<>();
    Path stateDir = Files.createTempDirectory("tft-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      createTopics(bootstrap);
      List<ReplayMessage> input = BenchWorkload.events(hosts, steps);
      long t0 = System.nanoTime();
      long loaded = new Replayer(bootstrap, "bench-metrics", 0, null).replay(input.iterator());
      System.out.printf(
          "loaded %,d events of %,d hosts into Kafka in %.1f s%n",
          loaded, hosts, (System.nanoTime() - t0) / 1e9);
      Settings settings =
          Settings.defaults()
              .with(Options.TOPIC_METRICS, "bench-metrics")
              .with(Options.TOPIC_FORECASTS, "bench-forecasts")
              .with(Options.TOPIC_DLQ, "bench-dlq")
              .with(Options.TOPIC_MODELS, "bench-models");
      for (int round = 0; round < rounds; round++) {
        results.add(passThrough(settings, bootstrap, stateDir, round, loaded));
        results.add(pipeline(settings, bootstrap, stateDir, round, loaded));
      }
    }
    return results;
  }

  private Result passThrough(
      Settings settings, String bootstrap, Path stateDir, int round, long events) throws Exception {
    StreamExecutionEnvironment env = environment(stateDir);
    PassThroughJob.build(
        env,
        PipelineConfig.from(settings),
        bootstrap,
        "bench-metrics",
        "bench-pass",
        "bench-pass-" + round);
    JobExecutionResult r = env.execute("bench pass-through");
    return report(
        new Result("pass-through", events, events, r.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3));
  }

  private Result pipeline(
      Settings settings, String bootstrap, Path stateDir, int round, long events) throws Exception {
    StreamExecutionEnvironment env = environment(stateDir);
    KafkaPipeline.create(
            settings.with(Options.GROUP_ID, "bench-pipeline-" + round), bootstrap, true)
        .build(env);
    JobExecutionResult r = env.execute("bench pipeline");
    long forecasts = r.<Long>getAccumulatorResult(HostForecaster.FORECASTS);
    return report(
        new Result(
            "pipeline+baseline", events, forecasts, r.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3));
  }

  private StreamExecutionEnvironment environment(Path stateDir) {
    return LocalFlink.forBenchmark(stateDir, Duration.ofSeconds(5), parallelism);
  }

  private static Result report(Result r) {
    System.out.printf(
        "%-18s %,10d events %,10d outputs %7.2f s %,10.0f events/s%n",
        r.job(), r.events(), r.outputs(), r.seconds(), r.eventsPerSecond());
    return r;
  }

  private void createTopics(String bootstrap) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      // the job's own topic settings, bench names; the job also reads the (empty) model topic
      Topics.createAll(
          admin,
          Topics.Names.defaults()
              .withMetrics("bench-metrics")
              .withForecasts("bench-forecasts")
              .withMetricsDlq("bench-dlq")
              .withModels("bench-models"));
      Topics.createAll(
          admin,
          Topics.Names.defaults()
              .withMetrics("bench-pass")
              .withForecasts("bench-pass-forecasts")
              .withMetricsDlq("bench-pass-dlq")
              .withModels("bench-pass-models")
              .withModelEvents("bench-pass-events")
              .withControl("bench-pass-control"));
    }
  }
}
