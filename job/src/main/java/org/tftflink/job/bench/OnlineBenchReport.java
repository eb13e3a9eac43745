package org.tftflink.job.bench;

import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.tftflink.model.online.config.OnlineConfig;

/**
 * The figures of one {@code ./tft bench online} run and the table that shows them. Latency samples
 * are split by the wall-clock intervals of the updates (from the audit topic): a forecast whose
 * time from the closing events to its arrival overlaps an update counts as "during an update".
 *
 * <p>Hosts one trainer subtask keeps up with: an update of {@code n} samples, of which a share
 * {@code f} is new (the rest replayed; f = 1 - replay_sample_ratio for the replay and ensemble
 * strategies, else 1), trains for {@code s} seconds; a host makes one sample per step of {@code
 * 300} seconds, so a trainer busy all the time absorbs {@code n·f / s} new samples per second, the
 * samples of {@code n·f·300 / s} hosts. (The number of epochs is inside {@code s}.) This is the
 * compute bound; the preset's {@code max_update_samples} per {@code update_frequency_minutes} is a
 * second, configured, bound: beyond {@code max_update_samples·f / (update_frequency_minutes / 5)}
 * hosts an update samples the hosts instead of training on all of them.
 */
public record OnlineBenchReport(
    OnlineBench.Options options,
    OnlineConfig online,
    List<Double> warmupCompileSeconds,
    OnlineBenchRun.Result on,
    OnlineBenchRun.Result off,
    OnlineBenchRun.Result offAgain,
    OnlineBenchRun.Result onAgain,
    List<UpdateTimer.Timed> timed,
    double freshShare) {

  static final double STEP_SECONDS = 300;

  /**
   * Events per second with learning on over off, on the same backlog, pooled over the four drains
   * (on, off, off, on): the off drains' seconds over the on drains', each drain holding the same
   * forecasts.
   */
  public double throughputRatio() {
    return (off.steadySeconds() + offAgain.steadySeconds())
        / (on.steadySeconds() + onAgain.steadySeconds());
  }

  /** The ratio of the first pair alone (on, then off). */
  public double firstPairRatio() {
    return on.eventsPerSecond() / off.eventsPerSecond();
  }

  /** The ratio of the second pair alone (off, then on). */
  public double secondPairRatio() {
    return onAgain.eventsPerSecond() / offAgain.eventsPerSecond();
  }

  /** The learning run's latency samples that overlap an update (true) or none (false). */
  public List<Long> latencies(boolean duringUpdate) {
    List<Long> out = new ArrayList<>();
    for (long[] l : on.latencies()) {
      boolean overlaps = false;
      for (OnlineBenchRun.Update u : on.updates()) {
        long end = u.finishedMs() < 0 ? Long.MAX_VALUE : u.finishedMs();
        overlaps |= l[0] <= end && l[1] >= u.startedMs();
      }
      if (overlaps == duringUpdate) {
        out.add(l[1] - l[0]);
      }
    }
    return out;
  }

  public double p99DuringUpdate() {
    return p99(latencies(true));
  }

  public double p99Idle() {
    return p99(latencies(false));
  }

  /** p99 during an update over idle; NaN when the paced phase saw no update. */
  public double latencyRatio() {
    return p99DuringUpdate() / p99Idle();
  }

  /** Updates of the learning run that finished (the audit's started/finished pairs). */
  public List<OnlineBenchRun.Update> finishedUpdates() {
    return on.updates().stream().filter(u -> u.finishedMs() >= 0 && !u.aborted()).toList();
  }

  /** How many updates each reason started, e.g. "scheduled 2, drift 11". */
  static String reasons(List<OnlineBenchRun.Update> updates) {
    Map<String, Long> by = new TreeMap<>();
    updates.forEach(u -> by.merge(u.reason().isEmpty() ? "?" : u.reason(), 1L, Long::sum));
    return by.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** Median seconds of the learning run's finished updates (NaN: none). */
  public double streamUpdateSeconds() {
    double[] s = finishedUpdates().stream().mapToDouble(OnlineBenchRun.Update::seconds).toArray();
    java.util.Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s[s.length / 2];
  }

  /** Hosts per trainer subtask from the stream's updates: new samples over seconds, times 300. */
  public double streamHostsPerTrainer() {
    double fresh = 0;
    double seconds = 0;
    for (OnlineBenchRun.Update u : finishedUpdates()) {
      fresh += u.fresh();
      seconds += u.seconds();
    }
    return seconds == 0 ? Double.NaN : fresh * STEP_SECONDS / seconds;
  }

  /** Hosts per trainer subtask from a timed update at the preset's sizes. */
  public double hostsPerTrainer(UpdateTimer.Timed t) {
    return t.samples() * freshShare * STEP_SECONDS / t.seconds();
  }

  /** The configured bound: hosts whose every sample an update still trains on. */
  public double configuredHosts() {
    return online.maxUpdateSamples() * freshShare / (online.updateFrequencyMinutes() / 5.0);
  }

  static double p99(List<Long> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
  }

  /** The table of BENCHMARKS.md. */
  public void print(PrintStream out) {
    OnlineBench.Options o = options;
    out.printf(
        Locale.ROOT,
        "%n./tft bench online, %s, %d cores, %,d hosts, bundled demo TFT, preset %s %s,"
            + " parallelism %d%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        o.hosts(),
        o.preset(),
        o.online(),
        o.parallelism());
    out.printf(
        Locale.ROOT,
        "drain: %,d steps of every host (%,d events) on the topic before start; paced: %d s of one"
            + " step per second%n%n",
        o.backlogSteps(),
        on.backlogEvents(),
        o.pacedSeconds());
    out.printf(
        Locale.ROOT,
        "warm-up drains (learning on, an update after each) before the measured ones: %d, JIT"
            + " compiling %s s in their drains (they stop after one under %.0f s, at most %d)%n%n",
        warmupCompileSeconds.size(),
        warmupCompileSeconds.stream()
            .map(c -> String.format(Locale.ROOT, "%.1f", c))
            .collect(Collectors.joining(" / ")),
        OnlineBench.WARM_COMPILE_SECONDS,
        OnlineBench.MAX_WARMUPS);
    out.println("| figure | learning off | learning on | ratio (target) |");
    out.println("|---|---|---|---|");
    out.printf(
        Locale.ROOT,
        "| (a) drain of the backlog, pooled (on, off, off, on) | %,.0f events/s | %,.0f events/s |"
            + " %.2f (>= 0.9) |%n",
        2.0 * (off.drainForecasts() - 1) / (off.steadySeconds() + offAgain.steadySeconds()),
        2.0 * (on.drainForecasts() - 1) / (on.steadySeconds() + onAgain.steadySeconds()),
        throughputRatio());
    drainRow(out, "first pair (on, then off)", off, on, firstPairRatio());
    drainRow(out, "second pair (off, then on)", offAgain, onAgain, secondPairRatio());
    jvmRow(out, "first pair", off, on);
    jvmRow(out, "second pair", offAgain, onAgain);
    List<Long> idle = latencies(false);
    List<Long> during = latencies(true);
    out.printf(
        Locale.ROOT,
        "| (b) event-to-forecast p99, paced | %s ms (all) | idle %s ms (%,d), during an update %s"
            + " ms (%,d) | %.2f (<= 2) |%n",
        fmt(p99(off.latencies().stream().map(l -> l[1] - l[0]).toList())),
        fmt(p99(idle)),
        idle.size(),
        fmt(p99(during)),
        during.size(),
        latencyRatio());
    List<OnlineBenchRun.Update> done = finishedUpdates();
    long inPaced = done.stream().filter(u -> u.startedMs() >= on.pacedFromMs()).count();
    out.printf(
        Locale.ROOT,
        "| (c) update in the stream, demo model | — | median %.2f s over %d updates (%d in the"
            + " paced phase; by reason %s), %s samples each | |%n",
        streamUpdateSeconds(),
        done.size(),
        inPaced,
        reasons(done),
        done.isEmpty() ? "—" : done.get(done.size() - 1).samples() + "");
    for (UpdateTimer.Timed t : timed) {
      out.printf(
          Locale.ROOT,
          "| (c) update alone, %s | — | %.2f s: %d samples x %d epoch(s), %d anchors, hold-out"
              + " %d; %.0f samples/s | |%n",
          t.model(),
          t.seconds(),
          t.samples(),
          t.epochs(),
          t.anchors(),
          t.holdout(),
          t.samplesPerSecond());
    }
    out.printf(
        Locale.ROOT,
        "| (d) hosts per trainer subtask, 5-minute steps | — | demo: %,.0f (stream), %s |" + " |%n",
        streamHostsPerTrainer(),
        String.join(
            ", ",
            timed.stream()
                .map(t -> String.format(Locale.ROOT, "%s: %,.0f", t.model(), hostsPerTrainer(t)))
                .toList()));
    out.printf(
        Locale.ROOT,
        "%n(d) = new samples per update x 300 s / update seconds (new share %.2f of each update);"
            + " the preset's own bound, max_update_samples x new share / (update_frequency_minutes"
            + " / 5), is %,.0f hosts at update_frequency_minutes %d: beyond it updates sample"
            + " the hosts.%n",
        freshShare,
        configuredHosts(),
        online.updateFrequencyMinutes());
  }

  private static void drainRow(
      PrintStream out, String pair, OnlineBenchRun.Result off, OnlineBenchRun.Result on, double r) {
    out.printf(
        Locale.ROOT,
        "| (a) drain, %s | %,.0f events/s (%.1f s; %.1f s with start-up) | %,.0f events/s (%.1f"
            + " s; %.1f s) | %.2f |%n",
        pair,
        off.eventsPerSecond(),
        off.steadySeconds(),
        off.drainSeconds(),
        on.eventsPerSecond(),
        on.steadySeconds(),
        on.drainSeconds(),
        r);
  }

  private static void jvmRow(
      PrintStream out, String pair, OnlineBenchRun.Result off, OnlineBenchRun.Result on) {
    out.printf(
        Locale.ROOT,
        "| (a) the JVM during the drains, %s | %s | %s | %.2f (CPU s off / on) |%n",
        pair,
        cost(off),
        cost(on),
        off.drainCost().cpuSeconds() / on.drainCost().cpuSeconds());
  }

  private static String cost(OnlineBenchRun.Result r) {
    JvmCost c = r.drainCost();
    return String.format(
        Locale.ROOT,
        "CPU %.1f s (%.2f cores), JIT compiling %.1f s, GC %.1f s",
        c.cpuSeconds(),
        c.cpuSeconds() / r.drainSeconds(),
        c.compileSeconds(),
        c.gcSeconds());
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,.0f", v);
  }
}
