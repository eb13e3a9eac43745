package org.tftflink.job.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.DeadLetterRecords;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.NabSeries;
import org.tftflink.job.replay.Replayer;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * One embedded run: broker, topics, local Flink with the web UI, the job, taps on its output
 * topics, the replayer and a progress line every few seconds that reports failures and restarts. It
 * ends with a stop-with-savepoint: draining event time when a bounded replay has been consumed (so
 * that every step of the data is closed and forecast), keeping it on Ctrl-C or SIGTERM; or, when
 * the job keeps failing, with the root cause and a non-zero exit.
 */
final class DemoRun {

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);

  /** How long after the data ends the job may take to account for every message. */
  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);

  /**
   * @param model the model envelope published right after the job starts, or null to serve the
   *     baseline only
   */
  record Plan(
      Settings settings,
      Path input,
      double rate,
      Path forecastsOut,
      Path dlqOut,
      Path summaryJson,
      boolean follow,
      int port,
      byte[] model,
      Path modelEventsOut) {}

  /** The job failed for good (more restarts than allowed); the message holds the root cause. */
  static final class JobFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message) {
      super(message);
    }
  }

  /** Why the watch ended: the bounded input was consumed, or a signal asked to stop. */
  private enum Ending {
    CONSUMED,
    SIGNAL
  }

  private final Plan plan;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, AtomicLong> deadLettersByReason = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> forecastsByModel = new ConcurrentHashMap<>();
  private final Set<String> hosts = ConcurrentHashMap.newKeySet();
  private int reportedRestarts;
  private String reportedCause;

  DemoRun(Plan plan) {
    this.plan = plan;
  }

  DemoSummary run() throws Exception {
    long start = System.nanoTime();
    Settings s = plan.settings();
    try (DemoStop stop = new DemoStop()) {
      System.out.println("tft demo: starting an embedded Kafka broker (KRaft, single node) ...");
      try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
        // on a signal the broker stays up until the job has stopped and committed
        kafka.holdShutdownUntil(stop.finished(), DemoStop.HOLD.plusSeconds(2));
        String bootstrap = kafka.bootstrapServers();
        System.out.printf(
            "tft demo: Kafka on %s (started in %d ms)%n",
            bootstrap, kafka.startupTime().toMillis());
        createTopics(bootstrap, s);
        Path stateDir =
            Path.of(s.get(Options.STATE_DIR))
                .toAbsolutePath()
                .resolve("demo-" + Instant.now().toEpochMilli());
        int port = plan.port() == 0 ? DemoJobs.freePort() : plan.port();
        DemoSigning signing = DemoSigning.prepare(s, stateDir);
        StreamExecutionEnvironment env = DemoJobs.environment(s, stateDir, port);
        // with learning on (online.enabled) the trainer starts from the model published below
        KafkaPipeline.create(signing.settings(), bootstrap, false, plan.model()).build(env);
        JobClient job = env.executeAsync("tft-flink forecasts (demo)");
        stop.jobStarted();
        System.out.printf(
            "tft demo: job %s running; Flink web UI on http://localhost:%d%n",
            job.getJobID(), port);
        try {
          return runJob(job, new JobHealth(job, port), stop, signing, bootstrap, stateDir, start);
        } finally {
          DemoJobs.cancelIfRunning(job);
        }
      }
    }
  }

  private DemoSummary runJob(
      JobClient job,
      JobHealth health,
      DemoStop stop,
      DemoSigning signing,
      String bootstrap,
      Path stateDir,
      long start)
      throws Exception {
    Settings s = plan.settings();
    if (plan.model() != null) {
      ModelData m = ModelDataSerializer.deserialize(plan.model());
      ModelPublisher.publish(bootstrap, s.get(Options.TOPIC_MODELS), signing.sign(plan.model()));
      System.out.printf(
          "tft demo: published TFT model version %d (epoch %d; hidden %d, encoder %d steps; %s) on"
              + " %s; hosts get TFT forecasts once they have %d steps of history%n",
          m.modelVersion(),
          m.epoch(),
          m.config().hiddenSize(),
          m.config().encoderLength(),
          signing.describe(),
          s.get(Options.TOPIC_MODELS),
          m.config().encoderLength());
      DemoJobs.awaitModelAccepted(job, s.get(Options.PARALLELISM), stop);
    }
    try (TopicTap forecasts =
            new TopicTap(
                bootstrap,
                s.get(Options.TOPIC_FORECASTS),
                plan.forecastsOut(),
                r -> new String(r.value(), StandardCharsets.UTF_8),
                this::countForecast);
        TopicTap deadLetters =
            new TopicTap(
                bootstrap,
                s.get(Options.TOPIC_DLQ),
                plan.dlqOut(),
                DeadLetterRecords::toJsonLine,
                this::countDeadLetter);
        TopicTap modelEvents =
            new TopicTap(
                bootstrap,
                s.get(Options.TOPIC_MODEL_EVENTS),
                plan.modelEventsOut(),
                r -> new String(r.value(), StandardCharsets.UTF_8),
                DemoRun::printVersionEvent)) {
      AtomicLong sent = new AtomicLong();
      Replayer replayer =
          new Replayer(bootstrap, s.get(Options.TOPIC_METRICS), plan.rate(), (n, t) -> sent.set(n));
      CompletableFuture<Long> replay =
          CompletableFuture.supplyAsync(
              () ->
                  plan.input() == null
                      ? replayer.replay(NabSeries.alignedEvents().iterator())
                      : replayer.replayJsonLines(plan.input()));
      System.out.println(
          "tft demo: replaying "
              + (plan.input() == null
                  ? "the bundled NAB series (10 hosts, aligned in time)"
                  : plan.input())
              + (plan.rate() > 0
                  ? " at " + (long) plan.rate() + " events/s"
                  : " as fast as possible"));

      JobCounts counts = JobCounts.read(job);
      Ending ending = watch(job, health, stop, replay, sent, forecasts, deadLetters, start, counts);
      boolean signalled = ending == Ending.SIGNAL;
      DemoJobs.stopJob(job, health, stateDir, !signalled);
      // the stopped job's final accumulators: exact, unlike the heartbeat-delayed running values
      counts = JobCounts.read(job, counts);
      try {
        counts =
            JobCounts.fromResult(
                job.getJobExecutionResult()
                    .get(signalled ? 5 : 60, TimeUnit.SECONDS)
                    .getAllAccumulatorResults(),
                counts);
      } catch (Exception e) {
        // cancelled after a failed savepoint: the last running counts stand
      }
      waitQuiet(signalled ? Duration.ofSeconds(3) : Duration.ofSeconds(20), forecasts, deadLetters);
      long eventsIn =
          replay.isDone() && !replay.isCompletedExceptionally() ? replay.join() : sent.get();
      long deadLetterCount = deadLetters.count();
      DemoSummary summary =
          new DemoSummary(
              eventsIn,
              counts.valid(),
              deadLetterCount,
              snapshot(deadLettersByReason),
              counts.duplicates(),
              counts.late(),
              forecasts.count(),
              snapshot(forecastsByModel),
              hosts.size(),
              eventsIn == counts.valid() + deadLetterCount,
              Math.max(0, eventsIn - counts.valid() - deadLetterCount),
              (System.nanoTime() - start) / 1e9);
      System.out.println("tft demo: " + summary.describe());
      System.out.println("tft demo: job restarts " + health.read().restarts());
      if (plan.summaryJson() != null) {
        summary.write(plan.summaryJson());
      }
      return summary;
    }
  }

  /**
   * Prints progress until the bounded input is consumed or a signal asks to stop; reports every
   * failure of the job with its root cause and throws when the job has failed for good.
   */
  private Ending watch(
      JobClient job,
      JobHealth health,
      DemoStop stop,
      CompletableFuture<Long> replay,
      AtomicLong sent,
      TopicTap forecasts,
      TopicTap deadLetters,
      long start,
      JobCounts counts)
      throws Exception {
    long settleDeadline = Long.MAX_VALUE;
    int maxRestarts = plan.settings().get(Options.DEMO_MAX_RESTARTS);
    while (true) {
      boolean signalled = stop.await(PROGRESS_EVERY);
      JobHealth.Reading h = health.read();
      counts = JobCounts.read(job, counts);
      long in = sent.get();
      long lag = Math.max(0, in - counts.valid() - counts.deadLetters());
      System.out.printf(
          "[%5.0fs] events in %d | valid %d | dead letters %d | forecasts out %d | lag %d%s%n",
          (System.nanoTime() - start) / 1e9,
          in,
          counts.valid(),
          deadLetters.count(),
          forecasts.count(),
          lag,
          h.status() == JobStatus.RUNNING
              ? ""
              : " | job " + h.status() + ", restarts " + h.restarts() + "/" + maxRestarts);
      reportFailures(h, maxRestarts);
      if (signalled) {
        System.out.println("tft demo: signal received");
        return Ending.SIGNAL;
      }
      if (h.status().isGloballyTerminalState()) {
        throw new JobFailedException(finalCause(h));
      }
      if (replay.isCompletedExceptionally()) {
        replay.join(); // rethrows the replay failure
      }
      if (plan.follow() || !replay.isDone()) {
        continue;
      }
      settleDeadline = Math.min(settleDeadline, System.nanoTime() + SETTLE_TIMEOUT.toNanos());
      if (replay.join() == counts.valid() + counts.deadLetters()) {
        return Ending.CONSUMED;
      }
      if (System.nanoTime() > settleDeadline) {
        System.out.println(
            "tft demo: not every message was accounted for within " + SETTLE_TIMEOUT);
        return Ending.CONSUMED;
      }
    }
  }

  private void reportFailures(JobHealth.Reading h, int maxRestarts) {
    boolean failed = h.status() == JobStatus.FAILED || h.status() == JobStatus.FAILING;
    if (h.restarts() > reportedRestarts || (failed && reportedCause == null)) {
      reportedRestarts = h.restarts();
      reportedCause = h.latestCause();
      System.out.printf(
          "tft demo: the job failed and %s (restart %d of at most %d): %s%n",
          failed ? "does not restart" : "restarts", h.restarts(), maxRestarts, h.latestCause());
    }
  }

  private static String finalCause(JobHealth.Reading h) {
    return "the job "
        + h.status()
        + " after "
        + h.restarts()
        + " restarts (demo.max_restarts); root cause: "
        + h.latestCause();
  }

  private static void waitQuiet(Duration max, TopicTap... taps) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      boolean quiet = true;
      for (TopicTap t : taps) {
        quiet &= t.quietFor().compareTo(Duration.ofSeconds(2)) > 0;
      }
      if (quiet) {
        return;
      }
      Thread.sleep(200);
    }
  }

  /** Prints the trainer's promotions and rollbacks as they are committed. */
  private static void printVersionEvent(ConsumerRecord<byte[], byte[]> r) {
    String line = new String(r.value(), StandardCharsets.UTF_8);
    if (line.contains("\"type\":\"promoted\"") || line.contains("\"type\":\"rolled_back\"")) {
      System.out.println("tft demo: trainer " + line);
    }
  }

  private void countForecast(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() != null) {
      hosts.add(new String(r.key(), StandardCharsets.UTF_8));
    }
    String kind;
    try {
      kind = json.readTree(r.value()).path("model").path("kind").asText("unknown");
    } catch (java.io.IOException e) {
      kind = "unparseable";
    }
    forecastsByModel.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private void countDeadLetter(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(DeadLetterRecords.HEADER_REASON);
    String reason = h == null ? "unknown" : new String(h.value(), StandardCharsets.UTF_8);
    deadLettersByReason.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static void createTopics(String bootstrap, Settings s) {
    Topics.createAll(
        bootstrap,
        Topics.Names.defaults()
            .withMetrics(s.get(Options.TOPIC_METRICS))
            .withForecasts(s.get(Options.TOPIC_FORECASTS))
            .withMetricsDlq(s.get(Options.TOPIC_DLQ))
            .withModels(s.get(Options.TOPIC_MODELS))
            .withModelEvents(s.get(Options.TOPIC_MODEL_EVENTS))
            .withControl(s.get(Options.TOPIC_CONTROL)));
  }
}
