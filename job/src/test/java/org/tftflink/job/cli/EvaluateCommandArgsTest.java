package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
            () -> new EvaluateCommand().run(argv("--strategies", "frozen,slidingwindow")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'slidingwindow'")
        .hasMessageContaining("sliding_window")
        .hasMessageContaining("ensemble");
  }

  @Test
  void shouldRequireTheTargetAndTheOutputFolder() {
    assertThatThrownBy(() -> new EvaluateCommand().run(List.of("--data", CSV, "--out", "/tmp/x")))
        .hasMessageContaining("--target");
    assertThatThrownBy(() -> new EvaluateCommand().run(List.of("--data", CSV, "--target", "value")))
        .hasMessageContaining("--out");
    assertThatThrownBy(() -> new EvaluateCommand().run(List.of("--target", "value")))
        .hasMessageContaining("--data");
  }

  @Test
  void shouldNameABadAlertRuleDriftTimeSplitAndOnlineKey() {
    assertThatThrownBy(() -> new EvaluateCommand().run(argv("--alert-rule", "7/3")))
        .hasMessageContaining("k=7 of m=3");
    assertThatThrownBy(() -> new EvaluateCommand().run(argv("--drift-at", "yesterday")))
        .hasMessageContaining("'yesterday'");
    assertThatThrownBy(() -> new EvaluateCommand().run(argv("--split", "halves")))
        .hasMessageContaining("'halves'");
    assertThatThrownBy(() -> new EvaluateCommand().run(argv("--online", "no_such_key=1")))
        .hasMessageContaining("no_such_key");
  }

  @Test
  void shouldRejectUnknownOptionsListingTheKnownOnes() {
    assertThatThrownBy(() -> new EvaluateCommand().run(argv("--strategy", "replay")))
        .hasMessageContaining("'--strategy'")
        .hasMessageContaining("--strategies");
  }

  @Test
  void shouldParseStrategiesCaseInsensitivelyWithoutDuplicates() {
    assertThat(EvaluateCommand.strategies("Frozen, replay,replay,ENSEMBLE"))
        .containsExactly("frozen", "replay", "ensemble");
  }
}
