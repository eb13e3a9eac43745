package org.tftflink.job.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;

/**
 * Load and soak: {@code hosts} hosts reporting every step at a sustained rate (one step of every
 * host per wall second) for a while; every few seconds it samples throughput, p99 event-to-forecast
 * latency, checkpoint size and duration, heap and RocksDB's size on disk. Steady means the last
 * checkpoints are not much larger or slower than the middle ones and the heap comes back; nothing
 * may be lost or duplicated.
 */
public final class LoadSoakScenario implements Scenario {

  private static final int MIN_HISTORY = 12;
  private static final int SAMPLE_SECONDS = 5;

  private final int hosts;

  /**
   * @param hosts hosts per step (1,000 or 10,000)
   */
  public LoadSoakScenario(int hosts) {
    this.hosts = hosts;
  }

  @Override
  public String name() {
    return "load-" + hosts;
  }

  @Override
  public String description() {
    return String.format(
        "%,d hosts at a sustained rate: throughput, p99 latency, checkpoints, heap and RocksDB"
            + " over time, nothing lost",
        hosts);
  }

  @Override
  public String parameters(Profile profile) {
    return String.format(
        "%,d hosts, one step per second, %s", hosts, profile == Profile.SHORT ? "30 s" : "10 min");
  }

  @Override
  public Verdict run(ChaosContext ctx, Profile profile) throws Exception {
    int seconds = profile == Profile.SHORT ? 30 : 600;
    Topics.Names names = ctx.freshTopics(name());
    String group = names.metrics() + "-job";
    Settings settings = ChaosJob.settings(names, group);
    Path state = ctx.stateDir(name());
    Verdict v = new Verdict(name());
    ChaosEvents valid = new ChaosEvents(MIN_HISTORY);
    long[] sentAt = new long[seconds + 2];
    List<String> samples = new ArrayList<>();
    List<Long> allLatencies = new ArrayList<>();
    long heapStart = heapAfterGc();
    try (ChaosCluster flink = new ChaosCluster(state, Duration.ofSeconds(2), 3);
        ChaosProducer out = new ChaosProducer(ctx.bootstrap(), names.metrics());
        ForecastTap tap =
            new ForecastTap(
                ctx.bootstrap(),
                names.forecasts(),
                issued -> {
                  // the step ending at issuedAt closes once the next step's events are in
                  int next = (int) ((issued - ChaosEvents.T0) / ChaosEvents.STEP);
                  return next >= 0 && next < sentAt.length ? sentAt[next] : -1;
                })) {
      flink.submit(ChaosJob.create(settings, ctx.bootstrap()), 2, name());
      flink.awaitRunning(Duration.ofSeconds(60));
      long t0 = System.currentTimeMillis();
      long lastSample = t0;
      long lastForecasts = 0;
      int behind = 0;
      for (int s = 0; s < seconds; s++) {
        long due = t0 + s * 1000L;
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        } else if (wait < -1000) {
          behind++;
        }
        sentAt[s] = System.currentTimeMillis();
        for (int h = 0; h < hosts; h++) {
          String host = "load-" + h;
          out.send(h % 4, host, ChaosEvents.event(host, s, ChaosEvents.cpu(host, s)));
        }
        out.flush();
        long now = System.currentTimeMillis();
        if (now - lastSample >= SAMPLE_SECONDS * 1000L) {
          long f = tap.count();
          List<Long> lat = tap.drainLatencies();
          allLatencies.addAll(lat);
          samples.add(
              String.format(
                  "t=%ds fc/s=%.0f p99=%dms heap=%dMB rocksdb=%dMB",
                  (now - t0) / 1000,
                  (f - lastForecasts) * 1000.0 / (now - lastSample),
                  p99(lat),
                  heap() >> 20,
                  size(state.resolve("rocksdb")) >> 20));
          ctx.log(name(), samples.get(samples.size() - 1));
          lastSample = now;
          lastForecasts = f;
        }
      }
      for (int h = 0; h < hosts; h++) {
        valid.expectContiguous("load-" + h, seconds);
      }
      long sendSeconds = (System.currentTimeMillis() - t0) / 1000;
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(5));
      allLatencies.addAll(tap.drainLatencies());
      List<AbstractCheckpointStats> cps = new ArrayList<>();
      for (AbstractCheckpointStats c : flink.checkpoints().getHistory().getCheckpoints()) {
        if (c.getStatus() == CheckpointStatsStatus.COMPLETED) {
          cps.add(c);
        }
      }
      Collections.reverse(cps); // oldest first
      flink.drainAndStop(Duration.ofMinutes(3));
      long events = (long) hosts * seconds;
      v.figure("hosts", hosts).figure("events", events).figure("seconds sending", sendSeconds);
      v.figure("events/s", events / Math.max(1, sendSeconds));
      v.figure("seconds behind schedule", behind);
      v.figure("p99 latency ms", p99(allLatencies));
      v.figure("checkpoints", checkpointFigures(cps));
      v.figure("heap MB start/end", (heapStart >> 20) + "/" + (heapAfterGc() >> 20));
      v.figure("samples", samples);
      v.figure("restarts", flink.restarts());
      v.expectEqual("restarts", 0, flink.restarts());
      if (cps.size() >= 4) {
        AbstractCheckpointStats mid = cps.get(cps.size() / 2);
        AbstractCheckpointStats last = cps.get(cps.size() - 1);
        v.check(
            last.getStateSize() <= 2 * mid.getStateSize() + (1 << 20),
            "checkpoint size grew from " + mid.getStateSize() + " to " + last.getStateSize());
      }
    }
    Reconciliation.forecasts(ctx.bootstrap(), names.forecasts(), valid.expected())
        .into(v, "forecasts");
    return v;
  }

  private static String checkpointFigures(List<AbstractCheckpointStats> cps) {
    if (cps.isEmpty()) {
      return "none completed";
    }
    StringBuilder b = new StringBuilder(cps.size() + " completed (KB/ms):");
    int every = Math.max(1, cps.size() / 6);
    for (int i = 0; i < cps.size(); i += every) {
      AbstractCheckpointStats c = cps.get(i);
      b.append(' ').append(c.getStateSize() >> 10).append('/').append(c.getEndToEndDuration());
    }
    return b.toString();
  }

  private static long p99(List<Long> values) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
  }

  private static long heap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static long heapAfterGc() {
    System.gc();
    return heap();
  }

  private static long size(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(LoadSoakScenario::sizeOf).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1; // RocksDB deletes files while we walk
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
