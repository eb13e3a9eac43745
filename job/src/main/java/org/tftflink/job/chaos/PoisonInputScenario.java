package org.tftflink.job.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.event.DeadLetterReason;

/**
 * Poison input: every dead-letter reason the parser knows, binary garbage, a 10 MB line, deep
 * nesting, 10^5 metrics, a control-character host and late events, between valid events. Each must
 * become exactly one dead letter with its reason, every valid step exactly one forecast, and the
 * job must never restart.
 */
public final class PoisonInputScenario implements Scenario {

  private static final int MIN_HISTORY = 12;

  @Override
  public String name() {
    return "poison-input";
  }

  @Override
  public String description() {
    return "every dead-letter reason, garbage, a 10 MB line, deep nesting, 10^5 metrics, control"
        + " characters, late events: all dead-lettered, no restart";
  }

  @Override
  public String parameters(Profile profile) {
    return profile == Profile.SHORT
        ? "4 hosts x 30 steps, 1 round of each poison kind"
        : "50 hosts x 200 steps, 5 rounds of each poison kind";
  }

  @Override
  public Verdict run(ChaosContext ctx, Profile profile) throws Exception {
    int hosts = profile == Profile.SHORT ? 4 : 50;
    int steps = profile == Profile.SHORT ? 30 : 200;
    int rounds = profile == Profile.SHORT ? 1 : 5;
    Topics.Names names = ctx.freshTopics(name());
    String group = names.metrics() + "-job";
    Settings settings = ChaosJob.settings(names, group);
    Path state = ctx.stateDir(name());
    Verdict v = new Verdict(name());
    ChaosEvents valid = new ChaosEvents(MIN_HISTORY);
    Map<String, String> badExpected = new HashMap<>();
    Map<String, Integer> badByKind = new TreeMap<>();
    Random random = new Random(10);
    try (ChaosCluster flink = new ChaosCluster(state, Duration.ofSeconds(1), 3);
        ChaosProducer out = new ChaosProducer(ctx.bootstrap(), names.metrics())) {
      flink.submit(ChaosJob.create(settings, ctx.bootstrap()), 2, name());
      flink.awaitRunning(Duration.ofSeconds(60));
      ctx.log(name(), "job running");
      int half = steps / 2;
      int[] roundAt = new int[rounds];
      for (int r = 0; r < rounds; r++) {
        roundAt[r] = 3 + r * (steps - 6) / rounds;
      }
      for (int s = 0; s < steps; s++) {
        if (s == half) {
          out.flush();
          ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(2));
          ctx.log(name(), "first half consumed");
          // every host's first step is closed now: an event for it is late
          for (int h = 0; h < hosts; h++) {
            byte[] late = ChaosEvents.event(host(h), 0, 99.5);
            out.send(h % Topics.METRICS_PARTITIONS, host(h), late);
            badExpected.put(Reconciliation.sha256(late), DeadLetterReason.LATE.code());
            badByKind.merge("late", 1, Integer::sum);
          }
        }
        for (int h = 0; h < hosts; h++) {
          // host h on partition h mod 4, so that every partition's watermark moves
          out.send(
              h % Topics.METRICS_PARTITIONS,
              host(h),
              ChaosEvents.event(host(h), s, ChaosEvents.cpu(host(h), s)));
        }
        for (int r = 0; r < rounds; r++) {
          if (roundAt[r] == s) {
            for (PoisonInputs.Poison p : PoisonInputs.round(r, random).values()) {
              out.send(null, p.bytes());
              badExpected.put(Reconciliation.sha256(p.bytes()), p.reason());
              badByKind.merge(p.kind(), 1, Integer::sum);
            }
          }
        }
      }
      for (int h = 0; h < hosts; h++) {
        valid.expectContiguous(host(h), steps);
      }
      out.flush();
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(3));
      ctx.log(name(), "all consumed; draining");
      flink.drainAndStop(Duration.ofMinutes(2));
      ctx.log(name(), "drained");
      int restarts = flink.restarts();
      v.figure("events", (long) hosts * steps).figure("hosts", hosts).figure("steps", steps);
      v.figure("bad inputs", badExpected.size()).figure("bad by kind", badByKind);
      v.figure("restarts", restarts);
      v.expectEqual("job restarts", 0, restarts);
    }
    Reconciliation.forecasts(ctx.bootstrap(), names.forecasts(), valid.expected())
        .into(v, "forecasts");
    Reconciliation.deadLetters(ctx.bootstrap(), names.metricsDlq(), badExpected)
        .into(v, "dead letters");
    v.figure(
        "dead letters by reason",
        Reconciliation.deadLettersByReason(ctx.bootstrap(), names.metricsDlq()));
    return v;
  }

  private static String host(int h) {
    return "poison-web-" + h;
  }
}
