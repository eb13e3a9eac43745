package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.job.CliAccess;

/** {@code ./tft evaluate}'s argument errors: each names what was wrong before any work starts. */
class EvaluateCommandArgsTest {
  private static final String CSV = "/work/shared/data/nab/realKnownCause/nyc_taxi.csv";

  private static List<String> argv(String... more) {
    List<String> a =
        new ArrayList<>(List.of("--data", CSV, "--target", "value", "--out", "/tmp/never"));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void shouldNameAnUnknownStrategyAndListTheKnownOnes() {
    assertThatThrownBy(
            () ->
                CliAccess.call(new EvaluateCommand(), argv("--strategies", "frozen,slidingwindow")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'slidingwindow'")
        .hasMessageContaining("sliding_window")
        .hasMessageContaining("ensemble");
  }

  @Test
  void shouldRequireTheTargetAndTheOutputFolder() {
    // picocli's check of the required options, before the command runs
    assertThatThrownBy(
            () -> CliAccess.call(new EvaluateCommand(), List.of("--data", CSV, "--out", "/tmp/x")))
        .hasMessageContaining("--target");
    assertThatThrownBy(
            () ->
                CliAccess.call(new EvaluateCommand(), List.of("--data", CSV, "--target", "value")))
        .hasMessageContaining("--out");
    assertThatThrownBy(() -> CliAccess.call(new EvaluateCommand(), List.of("--target", "value")))
        .hasMessageContaining("--data");
  }

  @Test
  void shouldNameABadAlertRuleDriftTimeSplitAndOnlineKey() {
    assertThatThrownBy(() -> CliAccess.call(new EvaluateCommand(), argv("--alert-rule", "7/3")))
        .hasMessageContaining("k=7 of m=3");
    assertThatThrownBy(() -> CliAccess.call(new EvaluateCommand(), argv("--drift-at", "yesterday")))
        .hasMessageContaining("'yesterday'");
    assertThatThrownBy(() -> CliAccess.call(new EvaluateCommand(), argv("--split", "halves")))
        .hasMessageContaining("'halves'");
    assertThatThrownBy(
            () -> CliAccess.call(new EvaluateCommand(), argv("--online", "no_such_key=1")))
        .hasMessageContaining("no_such_key");
  }

  @Test
  void shouldRejectUnknownOptionsNamingTheNearestKnownOne() {
    List<String> line = new ArrayList<>(List.of("evaluate"));
    line.addAll(argv("--strategy", "replay"));
    CliAccess.Result r = CliAccess.run(line.toArray(String[]::new));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("tft evaluate: Unknown option: '--strategy'")
        .contains("did you mean --strategies?")
        .contains("Try './tft evaluate --help'");
  }

  @Test
  void shouldParseStrategiesCaseInsensitivelyWithoutDuplicates() {
    assertThat(EvaluateCommand.strategies("Frozen, replay,replay,ENSEMBLE"))
        .containsExactly("frozen", "replay", "ensemble");
  }
}
