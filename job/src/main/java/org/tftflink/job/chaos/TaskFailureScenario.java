package org.tftflink.job.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.tftflink.job.ForecastJob;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.event.DeadLetterReason;

/**
 * Task failure: a failure-injecting operator kills a task at seeded random records (so also while
 * the forecaster holds a buffered TFT batch) and in the middle of checkpoints; after the restarts,
 * every (host, step) has exactly one committed forecast and every bad line exactly one dead letter.
 */
public final class TaskFailureScenario implements Scenario {

  private static final int MIN_HISTORY = 12;

  @Override
  public String name() {
    return "task-failure";
  }

  @Override
  public String description() {
    return "tasks killed at random records (TFT batches buffered) and during checkpoints: exactly"
        + " one forecast per (host, step), one dead letter per bad line";
  }

  @Override
  public String parameters(Profile profile) {
    return profile == Profile.SHORT
        ? "8 hosts x 72 steps, TFT served, 3 record faults + 2 checkpoint faults"
        : "100 hosts x 300 steps, TFT served, 8 record faults + 4 checkpoint faults";
  }

  @Override
  public Verdict run(ChaosContext ctx, Profile profile) throws Exception {
    boolean small = profile == Profile.SHORT;
    int hosts = small ? 8 : 100;
    int steps = small ? 72 : 300;
    int recordFaults = small ? 3 : 8;
    int checkpointFaults = small ? 2 : 4;
    Topics.Names names = ctx.freshTopics(name());
    String group = names.metrics() + "-job";
    Settings settings = ChaosJob.settings(names, group);
    Verdict v = new Verdict(name());
    ChaosEvents valid = new ChaosEvents(MIN_HISTORY);
    Map<String, String> badExpected = new HashMap<>();
    String run = names.metrics() + "-" + System.nanoTime();
    long total = (long) hosts * steps;
    FailureInjector injector =
        new FailureInjector(run, 20261201L, total, recordFaults, checkpointFaults, 3);
    ForecastJob job =
        ChaosJob.create(settings, ctx.bootstrap())
            .withValidEventsThrough(
                s -> s.map(injector).uid("chaos-failure-injector").name("Chaos: fail tasks"));
    try (ChaosCluster flink =
            new ChaosCluster(
                ctx.stateDir(name()), Duration.ofMillis(500), recordFaults + checkpointFaults + 3);
        ChaosProducer out = new ChaosProducer(ctx.bootstrap(), names.metrics())) {
      flink.submit(job, 2, name());
      flink.awaitRunning(Duration.ofSeconds(60));
      ChaosJob.publishBundledModel(flink, ctx.bootstrap(), names.models(), 2);
      ctx.log(name(), "job running, TFT served");
      long pause = small ? 60 : 100;
      for (int s = 0; s < steps; s++) {
        for (int h = 0; h < hosts; h++) {
          out.send(
              h % Topics.METRICS_PARTITIONS,
              host(h),
              ChaosEvents.event(host(h), s, ChaosEvents.cpu(host(h), s)));
        }
        if (s % 7 == 3) {
          byte[] bad = ("chaos bad line " + s).getBytes(StandardCharsets.UTF_8);
          out.send(s % Topics.METRICS_PARTITIONS, null, bad);
          badExpected.put(Reconciliation.sha256(bad), DeadLetterReason.NOT_JSON.code());
        }
        // paced, so that faults and checkpoints fall while data flows
        out.flush();
        Thread.sleep(pause);
      }
      for (int h = 0; h < hosts; h++) {
        valid.expectContiguous(host(h), steps);
      }
      ctx.log(name(), "sent; waiting for the job to consume everything");
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(5));
      Map<String, Object> acc = flink.drainAndStop(Duration.ofMinutes(2));
      FailureInjector.Counters c = FailureInjector.counters(run);
      Map<String, Long> faults = new TreeMap<>();
      faults.put("record", c.recordFaults.get());
      faults.put("checkpoint", c.checkpointFaults.get());
      int restarts = flink.restarts();
      v.figure("events", total).figure("hosts", hosts).figure("steps", steps);
      v.figure("faults", faults).figure("restarts", restarts);
      v.figure("records seen incl. replays", c.records.get());
      v.figure("bad lines", badExpected.size());
      v.figure(
          "tft forecasts (last attempt)",
          acc.get(org.tftflink.operators.serving.ServingMetrics.TFT_FORECASTS));
      v.expectEqual("record faults injected", recordFaults, c.recordFaults.get());
      v.expectEqual("checkpoint faults injected", checkpointFaults, c.checkpointFaults.get());
      v.check(
          restarts >= recordFaults, "restarts " + restarts + " < record faults " + recordFaults);
      FailureInjector.forget(run);
    }
    Reconciliation.forecasts(ctx.bootstrap(), names.forecasts(), valid.expected())
        .into(v, "forecasts");
    Reconciliation.deadLetters(ctx.bootstrap(), names.metricsDlq(), badExpected)
        .into(v, "dead letters");
    return v;
  }

  private static String host(int h) {
    return "fail-web-" + h;
  }
}
