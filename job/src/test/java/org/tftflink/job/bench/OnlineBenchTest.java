package org.tftflink.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./tft bench online} at a toy size (10 hosts, seconds of input, updates of 64 samples):
 * every figure of the report is there and sane (positive, finite, consistent counts). Timings are
 * the benchmark's business, not this test's.
 */
class OnlineBenchTest {

  @Test
  void shouldReportEveryFigureFromBothRunsAndBothTimedUpdates() throws Exception {
    OnlineBench.Options options =
        new OnlineBench.Options(
            10,
            80,
            15,
            1,
            "conservative",
            Map.of(
                "update_frequency_minutes", "30",
                "min_samples_for_update", "30",
                "max_update_samples", "64",
                "holdout_max_samples", "64",
                "shadow_minutes", "0"),
            true);

    OnlineBenchReport report = new OnlineBench(options).run();

    assertThat(report.warmupCompileSeconds())
        .hasSizeBetween(OnlineBench.MIN_WARMUPS, OnlineBench.MAX_WARMUPS);
    assertThat(report.on().learning()).isTrue();
    assertThat(report.off().learning()).isFalse();
    assertThat(report.on().backlogEvents())
        .isEqualTo(10L * 80)
        .isEqualTo(report.off().backlogEvents());
    assertThat(report.off().eventsPerSecond()).isPositive().isFinite();
    assertThat(report.on().eventsPerSecond()).isPositive().isFinite();
    assertThat(report.throughputRatio()).isPositive().isFinite();
    assertThat(report.onAgain().learning()).isTrue();
    assertThat(report.offAgain().learning()).isFalse();
    assertThat(report.onAgain().drainForecasts()).isEqualTo(report.on().drainForecasts());
    assertThat(report.offAgain().drainForecasts()).isEqualTo(report.off().drainForecasts());
    // pooled: between the two pairs' own ratios
    assertThat(report.throughputRatio())
        .isBetween(
            Math.min(report.firstPairRatio(), report.secondPairRatio()) - 1e-9,
            Math.max(report.firstPairRatio(), report.secondPairRatio()) + 1e-9);
    // the JVM's own accounting of each drain: CPU spent, time compiling and in GC (at this toy size
    // a drain can end before the job is seen running, so no figure need be positive)
    for (OnlineBenchRun.Result r :
        java.util.List.of(report.on(), report.off(), report.onAgain(), report.offAgain())) {
      assertThat(r.drainCost().cpuSeconds()).isGreaterThanOrEqualTo(0.0).isFinite();
      assertThat(r.drainCost().compileSeconds()).isGreaterThanOrEqualTo(0.0);
      assertThat(r.drainCost().gcSeconds()).isGreaterThanOrEqualTo(0.0);
    }
    // every paced step closes a step of every host; each of those forecasts is timed once
    assertThat(report.off().latencies()).hasSize(10 * 15);
    assertThat(report.on().latencies()).hasSize(10 * 15);
    assertThat(report.latencies(false).size() + report.latencies(true).size()).isEqualTo(150);
    assertThat(report.on().latencies()).allSatisfy(l -> assertThat(l[1]).isGreaterThan(l[0]));
    assertThat(report.off().updates()).isEmpty();
    assertThat(report.finishedUpdates()).isNotEmpty();
    assertThat(report.finishedUpdates())
        .allSatisfy(
            u -> {
              assertThat(u.seconds()).isPositive();
              assertThat(u.samples()).isPositive().isLessThanOrEqualTo(64);
              assertThat(u.fresh()).isBetween(0, u.samples());
              assertThat(u.epochs()).isPositive();
            });
    assertThat(report.streamUpdateSeconds()).isPositive().isFinite();
    assertThat(report.streamHostsPerTrainer()).isPositive().isFinite();
    assertThat(report.timed())
        .extracting(UpdateTimer.Timed::model)
        .containsExactly("demo (bundled)", "reference");
    assertThat(report.timed())
        .allSatisfy(
            t -> {
              assertThat(t.samples()).isEqualTo(64);
              assertThat(t.holdout()).isEqualTo(64);
              assertThat(t.seconds()).isPositive();
              assertThat(report.hostsPerTrainer(t)).isPositive().isFinite();
            });
    // conservative is the replay strategy with half of each update replayed
    assertThat(report.freshShare()).isEqualTo(0.5);
    assertThat(report.configuredHosts()).isEqualTo(64 * 0.5 / 6);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    System.out.println(table);
    assertThat(table).contains("| (a) ", "| (b) ", "| (c) update in the stream", "| (d) ");
    assertThat(table).contains("update alone, reference", "warm-up drains (learning on");
    assertThat(table)
        .contains(
            "| (a) drain of the backlog, pooled",
            "| (a) drain, second pair (off, then on) |",
            "| (a) the JVM during the drains, first pair | CPU ");
  }
}
