package org.tftflink.job.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.event.DeadLetterReason;

/**
 * Broker restart: while the job runs with its exactly-once sinks and a TFT served, the real broker
 * stops (every connection dropped, open transactions left open) and, after a pause, starts again on
 * the same ports and log directory without reformatting. Producers keep sending into their buffers
 * meanwhile, as a metrics agent would. Nobody touches the job: it must recover by itself (through
 * Flink restarts if it needs them), and afterwards every (host, step) has exactly one committed
 * forecast and every bad line exactly one dead letter.
 */
public final class BrokerRestartScenario implements Scenario {

  private static final int MIN_HISTORY = 12;

  @Override
  public String name() {
    return "broker-restart";
  }

  @Override
  public String description() {
    return "the Kafka broker stops mid-run and restarts (same ports and logs, no reformat): the"
        + " job recovers by itself, exactly one forecast per (host, step), one dead letter per"
        + " bad line";
  }

  @Override
  public String parameters(Profile profile) {
    return profile == Profile.SHORT
        ? "8 hosts x 60 steps, TFT served, 1 broker restart (5 s down)"
        : "100 hosts x 300 steps, TFT served, 3 broker restarts (5, 20 and 45 s down)";
  }

  @Override
  public Verdict run(ChaosContext ctx, Profile profile) throws Exception {
    boolean small = profile == Profile.SHORT;
    int hosts = small ? 8 : 100;
    int steps = small ? 60 : 300;
    long pause = small ? 60 : 100;
    List<Duration> outages =
        small
            ? List.of(Duration.ofSeconds(5))
            : List.of(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(45));
    Topics.Names names = ctx.freshTopics(name());
    String group = names.metrics() + "-job";
    Settings settings = ChaosJob.settings(names, group);
    Verdict v = new Verdict(name());
    ChaosEvents valid = new ChaosEvents(MIN_HISTORY);
    Map<String, String> badExpected = new HashMap<>();
    EmbeddedKafka kafka = ctx.kafka();
    List<String> restartTimes = new ArrayList<>();
    AtomicReference<Exception> restartFailure = new AtomicReference<>();
    int restarts;
    try (ChaosCluster flink = new ChaosCluster(ctx.stateDir(name()), Duration.ofMillis(500), 20);
        ChaosProducer out = new ChaosProducer(ctx.bootstrap(), names.metrics())) {
      flink.submit(ChaosJob.create(settings, ctx.bootstrap()), 2, name());
      flink.awaitRunning(Duration.ofSeconds(60));
      ChaosJob.publishBundledModel(flink, ctx.bootstrap(), names.models(), 2);
      ctx.log(name(), "job running, TFT served");
      int next = 0;
      Thread outage = null;
      for (int s = 0; s < steps; s++) {
        // spread the outages over the middle of the run, each after the job settled again
        if (next < outages.size() && s == steps * (next + 1) / (outages.size() + 1)) {
          if (outage != null) {
            outage.join();
          }
          outage = outage(ctx, kafka, outages.get(next), s, restartTimes, restartFailure);
          next++;
        }
        for (int h = 0; h < hosts; h++) {
          out.send(
              h % Topics.METRICS_PARTITIONS,
              host(h),
              ChaosEvents.event(host(h), s, ChaosEvents.cpu(host(h), s)));
        }
        if (s % 5 == 2) {
          byte[] bad = ("broker restart bad line " + s).getBytes(StandardCharsets.UTF_8);
          out.send(s % Topics.METRICS_PARTITIONS, null, bad);
          badExpected.put(Reconciliation.sha256(bad), DeadLetterReason.NOT_JSON.code());
        }
        // no flush: while the broker is away the producer buffers, like an agent would
        Thread.sleep(pause);
      }
      if (outage != null) {
        outage.join();
      }
      out.flush();
      for (int h = 0; h < hosts; h++) {
        valid.expectContiguous(host(h), steps);
      }
      ctx.log(name(), "sent; waiting for the job to consume everything");
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(5));
      flink.drainAndStop(Duration.ofMinutes(2));
      restarts = flink.restarts();
      v.figure("events", (long) hosts * steps).figure("hosts", hosts).figure("steps", steps);
      v.figure("broker restarts", outages.size());
      v.figure("seconds down", outages.stream().map(Duration::toSeconds).toList());
      v.figure("broker start ms", restartTimes);
      v.figure("job restarts", restarts);
      v.figure("bad lines", badExpected.size());
      v.check(restartFailure.get() == null, "the broker did not restart: " + restartFailure.get());
      v.expectEqual("broker restarts done", outages.size(), restartTimes.size());
    }
    Reconciliation.forecasts(ctx.bootstrap(), names.forecasts(), valid.expected())
        .into(v, "forecasts");
    // An outage longer than watermark.idleness makes every partition idle; when the broker is
    // back the partitions resume one after another, and the first ones carry the watermark past
    // events still waiting on the others: those are late by rule (dead-lettered as late, their
    // step imputed and still forecast once). Counted apart; with shorter outages there are none.
    long late =
        Reconciliation.deadLettersByReason(ctx.bootstrap(), names.metricsDlq())
            .getOrDefault(DeadLetterReason.LATE.code(), 0L);
    Duration idleness = settings.get(Options.IDLENESS);
    v.figure("valid events late after an outage > watermark.idleness", late);
    if (outages.stream().allMatch(d -> d.compareTo(idleness) < 0)) {
      v.expectEqual("late events (every outage shorter than watermark.idleness)", 0, late);
    }
    Reconciliation.Result dl =
        Reconciliation.deadLetters(ctx.bootstrap(), names.metricsDlq(), badExpected);
    new Reconciliation.Result(
            dl.expected(),
            dl.seen(),
            dl.lost(),
            dl.duplicated(),
            dl.unexpected() - late,
            dl.wrongReason(),
            dl.examples())
        .into(v, "dead letters");
    return v;
  }

  /** Stops the broker now and starts it again after {@code down}, on a thread of its own. */
  private Thread outage(
      ChaosContext ctx,
      EmbeddedKafka kafka,
      Duration down,
      int step,
      List<String> restartTimes,
      AtomicReference<Exception> failure)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                ctx.log(name(), "step " + step + ": stopping the broker for " + down);
                kafka.stop();
                stopped.countDown();
                Thread.sleep(down.toMillis());
                Duration started = kafka.startAgain();
                synchronized (restartTimes) {
                  restartTimes.add(Long.toString(started.toMillis()));
                }
                ctx.log(name(), "broker back after " + started.toMillis() + " ms start-up");
              } catch (Exception e) {
                failure.compareAndSet(null, e);
              } finally {
                stopped.countDown();
              }
            },
            "chaos-broker-outage");
    t.setDaemon(true);
    t.start();
    stopped.await();
    return t;
  }

  private static String host(int h) {
    return "restart-web-" + h;
  }
}
