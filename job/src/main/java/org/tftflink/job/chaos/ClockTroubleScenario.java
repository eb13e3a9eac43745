package org.tftflink.job.chaos;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.event.DeadLetterReason;
import org.tftflink.operators.forecast.HostForecaster;

/**
 * Clock trouble: a host whose clock jumps back an hour (its events are late and dead-lettered, the
 * missed steps imputed and still forecast), bursts of exact duplicates (counted, one forecast per
 * step), an event just inside the future-skew limit (accepted) and one just past it (dead-lettered
 * as absurd_timestamp).
 */
public final class ClockTroubleScenario implements Scenario {

  private static final int MIN_HISTORY = 12;
  private static final int JUMP_AT = 20;
  private static final int JUMP_STEPS = 6;
  private static final int BURST = 5;

  @Override
  public String name() {
    return "clock-trouble";
  }

  @Override
  public String description() {
    return "a clock jumping back an hour, duplicate bursts, events at and past the future-skew"
        + " limit: handled by the grid's rules and counted";
  }

  @Override
  public String parameters(Profile profile) {
    return profile == Profile.SHORT
        ? "6 steady hosts + 1 jumper + 1 duplicating host x 40 steps"
        : "60 steady hosts + 1 jumper + 1 duplicating host x 200 steps";
  }

  @Override
  public Verdict run(ChaosContext ctx, Profile profile) throws Exception {
    int steady = profile == Profile.SHORT ? 6 : 60;
    int steps = profile == Profile.SHORT ? 40 : 200;
    Topics.Names names = ctx.freshTopics(name());
    String group = names.metrics() + "-job";
    Settings settings = ChaosJob.settings(names, group);
    Duration skew = settings.get(Options.FUTURE_SKEW);
    Verdict v = new Verdict(name());
    ChaosEvents valid = new ChaosEvents(MIN_HISTORY);
    Map<String, String> badExpected = new HashMap<>();
    long duplicatesSent = 0;
    long valids = 0;
    String jumper = "clock-jumper";
    String dup = "clock-dup";
    Map<String, Object> acc;
    try (ChaosCluster flink = new ChaosCluster(ctx.stateDir(name()), Duration.ofSeconds(1), 3);
        ChaosProducer out = new ChaosProducer(ctx.bootstrap(), names.metrics())) {
      flink.submit(ChaosJob.create(settings, ctx.bootstrap()), 2, name());
      flink.awaitRunning(Duration.ofSeconds(60));
      for (int s = 0; s < steps; s++) {
        if (s == JUMP_AT) {
          // the steps before the jump are closed once this much is consumed and checkpointed
          out.flush();
          ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(2));
        }
        for (int h = 0; h < steady; h++) {
          String host = "clock-web-" + h;
          out.send(h % 4, host, ChaosEvents.event(host, s, ChaosEvents.cpu(host, s)));
          valids++;
        }
        if (s >= JUMP_AT && s < JUMP_AT + JUMP_STEPS) {
          byte[] back = ChaosEvents.event(jumper, s - 12, ChaosEvents.cpu(jumper, s));
          out.send(1, jumper, back);
          badExpected.put(Reconciliation.sha256(back), DeadLetterReason.LATE.code());
        } else {
          out.send(1, jumper, ChaosEvents.event(jumper, s, ChaosEvents.cpu(jumper, s)));
          valids++;
        }
        int copies = s % 4 == 0 ? BURST : 1;
        byte[] d = ChaosEvents.event(dup, s, ChaosEvents.cpu(dup, s));
        for (int i = 0; i < copies; i++) {
          out.send(2, dup, d);
        }
        valids += copies;
        duplicatesSent += copies - 1;
      }
      for (int h = 0; h < steady; h++) {
        valid.expectContiguous("clock-web-" + h, steps);
      }
      valid.expectContiguous(jumper, steps);
      valid.expectContiguous(dup, steps);
      out.flush();
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(2));
      // last, so that the watermark it moves cannot make other events late
      long now = System.currentTimeMillis();
      out.send(
          3, "clock-future", ChaosEvents.at("clock-future", now + skew.toMillis() - 600_000, 1));
      valids++;
      byte[] past = ChaosEvents.at("clock-future", now + skew.toMillis() + 600_000, 2);
      out.send(3, "clock-future", past);
      badExpected.put(Reconciliation.sha256(past), DeadLetterReason.ABSURD_TIMESTAMP.code());
      out.flush();
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(2));
      acc = flink.drainAndStop(Duration.ofMinutes(2));
      int restarts = flink.restarts();
      v.figure("events", valids + badExpected.size()).figure("hosts", steady + 3);
      v.figure("steps", steps).figure("restarts", restarts);
      v.figure("late (clock back 1 h)", acc.get(HostForecaster.LATE_EVENTS));
      v.figure("duplicates", acc.get(HostForecaster.DUPLICATES));
      v.figure("accepted", acc.get(HostForecaster.ACCEPTED));
      v.expectEqual("restarts", 0, restarts);
      v.expectEqual("late events counted", JUMP_STEPS, asLong(acc.get(HostForecaster.LATE_EVENTS)));
      v.expectEqual(
          "duplicates counted", duplicatesSent, asLong(acc.get(HostForecaster.DUPLICATES)));
      v.expectEqual("events accepted", valids, asLong(acc.get(HostForecaster.ACCEPTED)));
    }
    Reconciliation.forecasts(ctx.bootstrap(), names.forecasts(), valid.expected())
        .into(v, "forecasts");
    Reconciliation.deadLetters(ctx.bootstrap(), names.metricsDlq(), badExpected)
        .into(v, "dead letters");
    return v;
  }

  private static long asLong(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }
}
