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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.LocalFlink;
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
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.RouteDeadLetters;
import org.tftflink.operators.serving.ServingMetrics;

/**
 * One embedded run: broker, topics, local Flink with the web UI, the job, taps on its output
 * topics, the replayer, a progress line every few seconds, and at the end of the data a clean
 * stop-with-savepoint (which commits the last exactly-once transactions) and the summary.
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

  private final Plan plan;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, AtomicLong> deadLettersByReason = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> forecastsByModel = new ConcurrentHashMap<>();
  private final Set<String> hosts = ConcurrentHashMap.newKeySet();

  DemoRun(Plan plan) {
    this.plan = plan;
  }

  DemoSummary run() throws Exception {
    long start = System.nanoTime();
    Settings s = plan.settings();
    System.out.println("tft demo: starting an embedded Kafka broker (KRaft, single node) ...");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      System.out.printf(
          "tft demo: Kafka on %s (started in %d ms)%n", bootstrap, kafka.startupTime().toMillis());
      createTopics(bootstrap, s);

      Path stateDir =
          Path.of(s.get(Options.STATE_DIR))
              .toAbsolutePath()
              .resolve("demo-" + Instant.now().toEpochMilli());
      Configuration conf =
          LocalFlink.configuration(stateDir, s.get(Options.CHECKPOINT_INTERVAL), plan.port());
      // accumulators reach the client with heartbeats: report them every second for the progress
      // line
      conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
      StreamExecutionEnvironment env = LocalFlink.withWebUi(conf);
      env.setParallelism(s.get(Options.PARALLELISM));
      env.enableCheckpointing(s.get(Options.CHECKPOINT_INTERVAL).toMillis());
      // with learning on (online.enabled) the trainer starts from the model published below
      KafkaPipeline.create(s, bootstrap, false, plan.model()).build(env);
      JobClient job = env.executeAsync("tft-flink forecasts (demo)");
      System.out.printf(
          "tft demo: job %s running; Flink web UI on http://localhost:%d%n",
          job.getJobID(), plan.port());
      if (plan.model() != null) {
        ModelData m = ModelDataSerializer.deserialize(plan.model());
        ModelPublisher.publish(bootstrap, s.get(Options.TOPIC_MODELS), plan.model());
        System.out.printf(
            "tft demo: published TFT model version %d (epoch %d; hidden %d, encoder %d steps) on %s;"
                + " hosts get TFT forecasts once they have %d steps of history%n",
            m.modelVersion(),
            m.epoch(),
            m.config().hiddenSize(),
            m.config().encoderLength(),
            s.get(Options.TOPIC_MODELS),
            m.config().encoderLength());
        awaitModelAccepted(job, s.get(Options.PARALLELISM));
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
            new Replayer(
                bootstrap, s.get(Options.TOPIC_METRICS), plan.rate(), (n, t) -> sent.set(n));
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

        CompletableFuture<Void> finished = new CompletableFuture<>();
        kafka.holdShutdownUntil(finished, Duration.ofMinutes(1));
        JobCounts counts = watch(job, replay, sent, forecasts, deadLetters, start, finished);
        System.out.println(
            "tft demo: stopping the job with a savepoint (commits the last transactions) ...");
        String savepoint =
            job.stopWithSavepoint(
                    false,
                    stateDir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        System.out.println("tft demo: savepoint " + savepoint);
        // the stopped job's final accumulators: exact, unlike the heartbeat-delayed running values
        counts =
            JobCounts.fromResult(
                job.getJobExecutionResult().get(1, TimeUnit.MINUTES).getAllAccumulatorResults(),
                counts);
        waitQuiet(forecasts, deadLetters);
        long eventsIn = replay.isDone() ? replay.join() : sent.get();
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
        if (plan.summaryJson() != null) {
          summary.write(plan.summaryJson());
        }
        finished.complete(null);
        return summary;
      }
    }
  }

  /**
   * Prints progress until the data has ended and every message is accounted for (or Ctrl-C with
   * --follow).
   */
  private JobCounts watch(
      JobClient job,
      CompletableFuture<Long> replay,
      AtomicLong sent,
      TopicTap forecasts,
      TopicTap deadLetters,
      long start,
      CompletableFuture<Void> finished)
      throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    if (plan.follow()) {
      // Ctrl-C: let the main thread stop the job with a savepoint and print the summary first
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    interrupted.countDown();
                    try {
                      finished.get(1, TimeUnit.MINUTES);
                    } catch (Exception e) {
                      // the JVM exits anyway
                    }
                  },
                  "demo-stop"));
    }
    long settleDeadline = Long.MAX_VALUE;
    JobCounts counts = JobCounts.read(job);
    while (true) {
      boolean stop = interrupted.await(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      counts = JobCounts.read(job, counts);
      long in = sent.get();
      long lag = Math.max(0, in - counts.valid() - counts.deadLetters());
      System.out.printf(
          "[%5.0fs] events in %d | valid %d | dead letters %d | forecasts out %d | lag %d%n",
          (System.nanoTime() - start) / 1e9,
          in,
          counts.valid(),
          deadLetters.count(),
          forecasts.count(),
          lag);
      if (replay.isCompletedExceptionally()) {
        replay.join(); // rethrows the replay failure
      }
      if (stop || plan.follow()) {
        if (stop) {
          return counts;
        }
        continue;
      }
      if (replay.isDone()) {
        settleDeadline = Math.min(settleDeadline, System.nanoTime() + SETTLE_TIMEOUT.toNanos());
        boolean accounted = replay.join() == counts.valid() + counts.deadLetters();
        boolean settled = forecasts.quietFor().compareTo(Duration.ofSeconds(5)) > 0;
        if (accounted && settled) {
          return counts;
        }
        if (System.nanoTime() > settleDeadline) {
          System.out.println(
              "tft demo: not every message was accounted for within " + SETTLE_TIMEOUT);
          return counts;
        }
      }
    }
  }

  /**
   * Waits (at most 30 s) until every subtask has accepted the published model, so that the replay's
   * first hosts to warm up already get TFT forecasts: the model and the metrics arrive on two
   * inputs of the operator, which Flink does not order.
   */
  private static void awaitModelAccepted(JobClient job, int subtasks) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
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
      Thread.sleep(250);
    }
    System.out.println(
        "tft demo: the model was not accepted within 30 s; forecasts stay baseline until it is");
  }

  private static void waitQuiet(TopicTap... taps) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
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

  /** The job's own counts, read from its accumulators (they reach the client with heartbeats). */
  record JobCounts(long valid, long deadLetters, long duplicates, long late) {

    static JobCounts read(JobClient job) {
      return read(job, new JobCounts(0, 0, 0, 0));
    }

    static JobCounts read(JobClient job, JobCounts previous) {
      try {
        return fromResult(job.getAccumulators().get(5, TimeUnit.SECONDS), previous);
      } catch (Exception e) {
        return previous; // the job is between states; keep the last reading
      }
    }

    static JobCounts fromResult(Map<String, Object> acc, JobCounts previous) {
      if (acc == null || acc.isEmpty()) {
        return previous;
      }
      long late = number(acc, HostForecaster.LATE_EVENTS);
      return new JobCounts(
          number(acc, HostForecaster.ACCEPTED),
          number(acc, RouteDeadLetters.PARSE_DEAD_LETTERS) + late,
          number(acc, HostForecaster.DUPLICATES),
          late);
    }

    private static long number(Map<String, Object> acc, String name) {
      Object v = acc.get(name);
      return v instanceof Number n ? n.longValue() : 0;
    }
  }
}
