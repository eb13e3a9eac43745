package org.tftflink.job.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.job.chaos.ChaosContext;
import org.tftflink.job.chaos.ChaosJob;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * {@code ./tft bench online}: online learning in the real job (MiniCluster, RocksDB, the embedded
 * broker) serving the bundled demo TFT, {@code hosts} hosts. Two runs on the same input from the
 * same model, learning on (async updates, the default) and off: (a) the time each takes to drain
 * the same backlog (twice each, in the order on, off, off, on), (b) event-to-forecast latency while
 * an update runs against idle; then, outside the stream, (c) one update of the demo model and of
 * the reference configuration at the preset's full sizes, and (d) from those, the hosts one trainer
 * subtask keeps up with at 5-minute steps.
 */
public final class OnlineBench {

  /**
   * What to run.
   *
   * @param hosts hosts per step
   * @param backlogSteps steps of every host on the topic before the job starts (the drain)
   * @param pacedSeconds seconds of one step of every host per second after the drain
   * @param parallelism the job's parallelism (the trainer is one subtask whatever it is)
   * @param preset the learning preset
   * @param online keys set on top of the preset (as {@code online.<key>} job options), e.g.
   *     update_frequency_minutes
   * @param reference also time an update of {@link TftConfig#reference()}
   */
  public record Options(
      int hosts,
      int backlogSteps,
      int pacedSeconds,
      int parallelism,
      String preset,
      Map<String, String> online,
      boolean reference) {

    /** The defaults: about 6-8 minutes on 2 cores. */
    public static Options defaults() {
      Map<String, String> online = new LinkedHashMap<>();
      // hourly instead of 6-hourly (a paced second is a 5-minute step): the paced two minutes
      // then hold several updates; an update's size is the preset's either way
      online.put("update_frequency_minutes", "60");
      return new Options(1000, 150, 120, 2, "conservative", online, true);
    }

    public Options {
      online = Map.copyOf(online);
      if (backlogSteps < MIN_BACKLOG) {
        throw new IllegalArgumentException(
            "bench online: --backlog-steps must be at least 70 (the demo model's encoder of 48"
                + " steps and horizon of 12 come before the first training sample), got "
                + backlogSteps);
      }
      if (hosts < 1 || pacedSeconds < 1 || parallelism < 1) {
        throw new IllegalArgumentException(
            "bench online: hosts, paced seconds and parallelism must be positive");
      }
    }

    OnlineConfig onlineConfig() {
      return OnlineConfig.load(null, preset, online);
    }
  }

  static final int MIN_BACKLOG = 70;

  /** Warm-up drains before the measured ones: at least this many ... */
  static final int MIN_WARMUPS = 2;

  /** ... and at most this many, ... */
  static final int MAX_WARMUPS = 5;

  /** ... stopping after the first that compiled less than this (JIT seconds in its drain). */
  static final double WARM_COMPILE_SECONDS = 3.0;

  /**
   * After the warm-up, waits until the JIT compilers have drained their queue (less than 50 ms of
   * compiling over the last 3 s; at most 2 minutes). With one C2 thread on 2 cores, the warm-up's
   * busy task threads leave it behind, and what it still has queued would otherwise be compiled
   * during the first measured drain, the learning run's, and charged to learning.
   */
  private static void awaitJitQuiet(ChaosContext ctx) throws InterruptedException {
    if (JvmCost.compileMillisNow() < 0) {
      return;
    }
    JvmCost start = JvmCost.now();
    long t0 = System.currentTimeMillis();
    java.util.ArrayDeque<Long> window = new java.util.ArrayDeque<>();
    while (System.currentTimeMillis() - t0 < 120_000) {
      window.addLast(JvmCost.compileMillisNow());
      if (window.size() > 7) {
        window.removeFirst();
        if (window.peekLast() - window.peekFirst() < 50) {
          break;
        }
      }
      Thread.sleep(500);
    }
    JvmCost waited = JvmCost.now().since(start);
    ctx.log(
        "online-warmup",
        String.format(
            "JIT quiet after %.1f s (compiling %.1f s, JVM CPU %.1f s meanwhile)",
            (System.currentTimeMillis() - t0) / 1e3, waited.compileSeconds(), waited.cpuSeconds()));
  }

  private final Options options;

  public OnlineBench(Options options) {
    this.options = options;
  }

  /** Runs everything and returns the figures ({@link OnlineBenchReport#print} shows them). */
  public OnlineBenchReport run() throws Exception {
    byte[] model = ChaosJob.bundledModel();
    List<ReplayMessage> events =
        BenchWorkload.events(options.hosts(), options.backlogSteps() + options.pacedSeconds());
    OnlineBenchRun.Result on;
    OnlineBenchRun.Result off;
    OnlineBenchRun.Result offAgain;
    OnlineBenchRun.Result onAgain;
    List<Double> warmups = new ArrayList<>();
    try (ChaosContext ctx = ChaosContext.start()) {
      OnlineBenchRun runner = new OnlineBenchRun(ctx, options, model);
      // a throw-away run first warms the JVM (Flink, Kafka and ND4J classes, and the JIT): with
      // learning on and one update, so that the learning path (samples to the trainer, observe, the
      // learner's snapshot, training on its own thread, a new version served) is compiled before
      // either measured run, as in a job that has been running for a while; warmed with learning
      // off, the learning run compiled all of it during its drain (C2 took 18 of its 70 CPU
      // seconds, JFR and per-thread CPU times, 2 December). The warm-up drains the whole backlog.
      // After one warm-up the next drains still recompiled code both runs share (Kafka's clients,
      // Flink's network stack, the forecaster: -XX:+PrintCompilation, 3 December, 240 C2
      // compilations of Kafka methods in the second drain against 72 in the one after it, the same
      // forecaster methods made not entrant and compiled again): each MiniCluster loads some of
      // Flink's classes afresh, and the call sites compiled for the earlier clusters' classes are
      // recompiled when the next cluster's arrive. With two warm-ups the first measured drain still
      // compiled 6-9 s against 1-2 s for the drains after it (four runs, 4 December), and that was
      // charged to learning, the first pair's ratio swinging 0.61-1.05 while the second's stayed
      // 0.90-1.02. So the warm-ups go on until one drain compiles less than WARM_COMPILE_SECONDS
      // (a measured off drain compiles 1-4 s), at least MIN_WARMUPS, at most MAX_WARMUPS, each with
      // learning on and an update after its drain (the training path on the niced thread needs
      // its own warm-up: after warm-ups with learning off, the first learning drain compiled 8-10 s
      // more than the off drain after it, 4 December). The report prints each warm-up's compile
      // time, so a run that hit MAX_WARMUPS unsettled shows it.
      while (warmups.size() < MAX_WARMUPS) {
        String name = warmups.isEmpty() ? "online-warmup" : "online-warmup-" + (warmups.size() + 1);
        OnlineBenchRun.Result w = runner.run(name, true, events, options.backlogSteps(), 0, true);
        warmups.add(w.drainCost().compileSeconds());
        awaitJitQuiet(ctx);
        if (warmups.size() >= MIN_WARMUPS
            && warmups.get(warmups.size() - 1) < WARM_COMPILE_SECONDS) {
          break;
        }
      }
      // The drains then run in the order on, off, off, on (ABBA), which cancels a warm-up that
      // fades over the runs, and (a) pools both pairs; the second pair drains only (no paced phase)
      on = runner.run(true, events);
      off = runner.run(false, events);
      offAgain = runner.run("online-off-2", false, events, options.backlogSteps(), 0, false);
      onAgain = runner.run("online-on-2", true, events, options.backlogSteps(), 0, false);
    }
    OnlineConfig online = options.onlineConfig();
    TftConfig demo = ModelDataSerializer.deserialize(model).config();
    List<UpdateTimer.Timed> timed = new ArrayList<>();
    timed.add(UpdateTimer.time("demo (bundled)", demo, online));
    if (options.reference()) {
      timed.add(UpdateTimer.time("reference", TftConfig.reference(), online));
    }
    double freshShare =
        online.strategy() == Strategy.REPLAY || online.strategy() == Strategy.ENSEMBLE
            ? 1 - online.replaySampleRatio()
            : 1;
    return new OnlineBenchReport(
        options, online, warmups, on, off, offAgain, onAgain, timed, freshShare);
  }
}
