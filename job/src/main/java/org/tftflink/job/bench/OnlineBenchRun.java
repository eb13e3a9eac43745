package org.tftflink.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.chaos.ChaosCluster;
import org.tftflink.job.chaos.ChaosContext;
import org.tftflink.job.chaos.ChaosJob;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.job.replay.Replayer;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.control.Command;

/**
 * One run of the real job for {@code ./tft bench online} (the chaos suite's MiniCluster with
 * RocksDB, the shared embedded broker, {@link ChaosJob}'s Kafka job), with learning on or off. (1)
 * Drain: a backlog of {@code backlogSteps} steps of every host is on the metrics topic before the
 * job starts; the drain ends when the forecast of the last step it can close has arrived. (2)
 * Paced: then one step of every host per wall second, and each forecast's latency is taken from the
 * send of the step that closes its step (with one minute of out-of-orderness, step s closes with
 * the events of step s+2) to its arrival, read uncommitted. The audit topic's update_started and
 * update_finished lines, stamped by the job's producer when sent, give the wall-clock intervals of
 * the updates.
 */
final class OnlineBenchRun {

  /** One update as the audit topic shows it, wall clock (the finish is -1 while it runs). */
  record Update(
      long id,
      String reason,
      long startedMs,
      long finishedMs,
      int samples,
      int fresh,
      int epochs,
      boolean aborted) {
    double seconds() {
      return (finishedMs - startedMs) / 1e3;
    }
  }

  /** What one run measured. */
  record Result(
      boolean learning,
      long backlogEvents,
      double drainSeconds,
      long drainForecasts,
      double steadySeconds,
      long forecasts,
      List<long[]> latencies,
      List<Update> updates,
      long pacedFromMs,
      JvmCost drainCost) {
    /**
     * Events per second from the first forecast to the last of the backlog (one per host and step:
     * the job's start-up and the model's loading are left out).
     */
    double eventsPerSecond() {
      return (drainForecasts - 1) / steadySeconds;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIN_HISTORY = 12;

  private final ChaosContext ctx;
  private final OnlineBench.Options options;
  private final byte[] model;

  OnlineBenchRun(ChaosContext ctx, OnlineBench.Options options, byte[] model) {
    this.ctx = ctx;
    this.options = options;
    this.model = model;
  }

  /** A run with the options' backlog and paced phase. */
  Result run(boolean learning, List<ReplayMessage> events) throws Exception {
    return run(
        learning ? "online-on" : "online-off",
        learning,
        events,
        options.backlogSteps(),
        options.pacedSeconds(),
        false);
  }

  /**
   * @param backlog steps of the backlog (the first of {@code events})
   * @param paced paced steps after it (0: none)
   * @param updateAfterDrain after the drain, ask the trainer for an update ({@code update-now} on
   *     the control topic) and wait until one has finished (a warm-up of the training path)
   */
  Result run(
      String name,
      boolean learning,
      List<ReplayMessage> events,
      int backlog,
      int paced,
      boolean updateAfterDrain)
      throws Exception {
    int hosts = options.hosts();
    Topics.Names names = ctx.freshTopics(name);
    String group = names.metrics() + "-job";
    Settings base =
        ChaosJob.settings(names, group)
            .with(Options.TOPIC_CONTROL, names.control())
            .with(Options.TOPIC_MODEL_EVENTS, names.modelEvents())
            .with(Options.MIN_HISTORY, MIN_HISTORY)
            .with(Options.ONLINE_PRESET, options.preset())
            .with("online.enabled", String.valueOf(learning));
    for (Map.Entry<String, String> o : options.online().entrySet()) {
      base = base.with("online." + o.getKey(), o.getValue());
    }
    Settings settings = base;
    ModelPublisher.publish(ctx.bootstrap(), names.models(), model);
    long loaded =
        new Replayer(ctx.bootstrap(), names.metrics(), 0, null)
            .replay(events.subList(0, backlog * hosts).iterator());
    ctx.log(name, String.format("backlog of %,d events on the metrics topic", loaded));

    long[] sentAt = new long[backlog + paced + 2];
    long expectedDrain = (long) hosts * (backlog - MIN_HISTORY - 1);
    AtomicLong forecasts = new AtomicLong();
    AtomicLong drainedAt = new AtomicLong();
    AtomicLong firstAt = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    Map<Long, Started> started = new TreeMap<>();
    List<Update> updates = new ArrayList<>();
    Duration checkpoints = Settings.defaults().get(Options.CHECKPOINT_INTERVAL);
    Path state = ctx.stateDir(name);
    try (ChaosCluster flink = new ChaosCluster(state, checkpoints, 0);
        TopicFollower fc =
            new TopicFollower(
                ctx.bootstrap(),
                names.forecasts(),
                (r, now) -> {
                  long n = forecasts.incrementAndGet();
                  if (n == 1) {
                    firstAt.set(now);
                  }
                  if (n == expectedDrain) {
                    drainedAt.set(now);
                  }
                  int step = (int) ((issuedAt(r.value()) - BenchWorkload.START) / STEP) + 1;
                  long from = step >= backlog && step < sentAt.length ? sentAt[step] : 0;
                  if (from > 0) {
                    synchronized (latencies) {
                      latencies.add(new long[] {from, now});
                    }
                  }
                });
        TopicFollower audit =
            new TopicFollower(
                ctx.bootstrap(), names.modelEvents(), (r, now) -> audit(r, started, updates))) {
      // the trainer starts from the model serving starts with
      flink.submit(
          KafkaPipeline.create(settings, ctx.bootstrap(), false, model),
          options.parallelism(),
          name);
      flink.awaitRunning(Duration.ofSeconds(60));
      long t0 = System.currentTimeMillis();
      JvmCost before = JvmCost.now();
      long deadline = t0 + Duration.ofMinutes(20).toMillis();
      while (drainedAt.get() == 0) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              name + ": " + forecasts.get() + " of " + expectedDrain + " forecasts in 20 minutes");
        }
        Thread.sleep(50);
      }
      JvmCost after = JvmCost.now();
      JvmCost drainCost = after.since(before);
      double drain = (drainedAt.get() - t0) / 1e3;
      double steady = (drainedAt.get() - firstAt.get()) / 1e3;
      ctx.log(
          name,
          String.format(
              "drained %,d events in %.1f s, %.1f s from the first forecast to the last; JVM CPU"
                  + " %.1f s, JIT compiling %.1f s, GC %.1f s",
              loaded,
              drain,
              steady,
              drainCost.cpuSeconds(),
              drainCost.compileSeconds(),
              drainCost.gcSeconds()));
      ctx.log(
          name,
          "CPU seconds of the drain by thread: "
              + after.threadsSince(before, 8).entrySet().stream()
                  .map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                  .collect(java.util.stream.Collectors.joining(", ")));
      if (updateAfterDrain) {
        updateNow(names.control(), updates, name);
      }
      long p0 = System.currentTimeMillis();
      new Replayer(ctx.bootstrap(), names.metrics(), 0, null)
          .replay(paced(events, backlog, paced, hosts, p0, sentAt));
      // the forecasts of the last paced steps, and the update in flight, if any
      long expected = expectedDrain + (long) hosts * paced;
      long tail = System.currentTimeMillis() + Duration.ofSeconds(60).toMillis();
      while (forecasts.get() < expected && System.currentTimeMillis() < tail) {
        Thread.sleep(100);
      }
      ctx.log(
          name,
          String.format(
              "%,d forecasts, %d updates; job counters %s",
              forecasts.get(), updates.size(), flink.accumulators()));
      List<long[]> timed;
      synchronized (latencies) {
        timed = new ArrayList<>(latencies);
      }
      List<Update> done;
      synchronized (updates) {
        done = new ArrayList<>(updates);
        started.forEach(
            (id, s) ->
                done.add(
                    new Update(
                        id, s.reason(), s.ms(), -1, s.samples(), s.fresh(), s.epochs(), true)));
      }
      return new Result(
          learning,
          loaded,
          drain,
          expectedDrain,
          steady,
          forecasts.get(),
          timed,
          done,
          p0,
          drainCost);
    }
  }

  private static final long STEP = BenchWorkload.STEP_MILLIS;

  /** Sends update-now to the trainer and waits (at most 5 minutes) until an update has finished. */
  private void updateNow(String controlTopic, List<Update> updates, String name) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ctx.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()))) {
      producer
          .send(
              new ProducerRecord<>(
                  controlTopic, Command.UPDATE_NOW.getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
    while (true) {
      synchronized (updates) {
        if (!updates.isEmpty()) {
          ctx.log(name, String.format("warm-up update finished: %s", updates.get(0)));
          return;
        }
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(name + ": no update finished within 5 minutes");
      }
      Thread.sleep(100);
    }
  }

  /**
   * The paced steps, one per wall second from {@code p0}: the iterator waits before the first event
   * of each step and records when that step went out.
   */
  private static java.util.Iterator<ReplayMessage> paced(
      List<ReplayMessage> events, int backlog, int paced, int hosts, long p0, long[] sentAt) {
    return new java.util.Iterator<>() {
      private int next = backlog * hosts;
      private final int end = (backlog + paced) * hosts;

      @Override
      public boolean hasNext() {
        return next < end;
      }

      @Override
      public ReplayMessage next() {
        if (next % hosts == 0) {
          int step = next / hosts;
          long wait = p0 + (step - backlog) * 1000L - System.currentTimeMillis();
          if (wait > 0) {
            try {
              Thread.sleep(wait);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          sentAt[step] = System.currentTimeMillis();
        }
        return events.get(next++);
      }
    };
  }

  /** An update_started line waiting for its update_finished. */
  private record Started(String reason, long ms, int samples, int fresh, int epochs) {}

  private static void audit(
      ConsumerRecord<byte[], byte[]> r, Map<Long, Started> started, List<Update> updates) {
    JsonNode e;
    try {
      e = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
    } catch (java.io.IOException notJson) {
      return;
    }
    String type = e.path("type").asText();
    JsonNode d = e.path("details");
    long id = d.path("update").asLong();
    synchronized (updates) {
      if (type.equals(LearningEvent.UPDATE_STARTED)) {
        started.put(
            id,
            new Started(
                d.path("reason").asText(),
                r.timestamp(),
                d.path("samples").asInt(),
                d.path("new").asInt(),
                d.path("epochs").asInt()));
      } else if (type.equals(LearningEvent.UPDATE_FINISHED) && started.containsKey(id)) {
        Started s = started.remove(id);
        updates.add(
            new Update(
                id,
                s.reason(),
                s.ms(),
                r.timestamp(),
                s.samples(),
                s.fresh(),
                s.epochs(),
                d.path("aborted").asBoolean()));
      }
    }
  }

  private static long issuedAt(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    String key = "\"issuedAt\":\"";
    int from = s.indexOf(key) + key.length();
    return java.time.Instant.parse(s.substring(from, s.indexOf('"', from))).toEpochMilli();
  }
}
