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
 * the same backlog, (b) event-to-forecast latency while an update runs against idle; then, outside
 * the stream, (c) one update of the demo model and of the reference configuration at the preset's
 * full sizes, and (d) from those, the hosts one trainer subtask keeps up with at 5-minute steps.
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
    try (ChaosContext ctx = ChaosContext.start()) {
      OnlineBenchRun runner = new OnlineBenchRun(ctx, options, model);
      // a short throw-away run first warms the JVM (Flink, Kafka and ND4J classes, and the JIT):
      // with learning on and one update, so that the learning path (samples to the trainer,
      // observe, the learner's snapshot, training on its own thread, a new version served) is
      // compiled before either measured run, as in a job that has been running for a while; warmed
      // with learning off, the learning run compiled all of it during its drain (C2 took 18 of its
      // 70 CPU seconds, JFR and per-thread CPU times, 2 December). Learning on then runs before
      // off, so that what warm-up is left, if any, understates the ratio. The warm-up drains the
      // whole backlog: after one of 70 steps C2 (one compiler thread on 2 cores) was still behind
      // and compiled 1,221 methods (11 of 55 CPU seconds) during the learning run's drain against
      // 106 during the learning-off drain after it (JFR, 2 December)
      runner.run("online-warmup", true, events, options.backlogSteps(), 0, true);
      on = runner.run(true, events);
      off = runner.run(false, events);
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
    return new OnlineBenchReport(options, online, on, off, timed, freshShare);
  }
}
