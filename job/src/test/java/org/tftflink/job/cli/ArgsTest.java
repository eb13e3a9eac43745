package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;

class ArgsTest {

  @Test
  void shouldReadValuesFlagsAndRepeatedSets() throws Exception {
    Args a =
        Args.parse(
            List.of(
                "--input",
                "f.jsonl",
                "--follow",
                "--rate=10",
                "--set",
                "target=mem",
                "--set",
                "forecast.horizon=6"),
            Set.of("input", "rate"),
            Set.of("follow"));

    assertThat(a.path("input")).hasToString("f.jsonl");
    assertThat(a.flag("follow")).isTrue();
    assertThat(a.number("rate", 0)).isEqualTo(10);
    Settings s = a.settings(Settings.defaults());
    assertThat(s.get(Options.TARGET)).isEqualTo("mem");
    assertThat(s.get(Options.HORIZON)).isEqualTo(6);
  }

  @Test
  void shouldListTheKnownOptionsWhenOneIsUnknown() {
    assertThatThrownBy(() -> Args.parse(List.of("--inptu", "x"), Set.of("input"), Set.of()))
        .hasMessageContaining("unknown option '--inptu'")
        .hasMessageContaining("--input VALUE");
  }

  @Test
  void shouldRequireAValueForAValuedOption() {
    assertThatThrownBy(() -> Args.parse(List.of("--input"), Set.of("input"), Set.of()))
        .hasMessageContaining("'--input' needs a value");
  }

  @Test
  void shouldReadBooleansAndRefuseAnythingElse() {
    Args a = Args.parse(List.of("--a", "false", "--b", "yes"), Set.of("a", "b"), Set.of());

    assertThat(a.bool("a", true)).isFalse();
    assertThat(a.bool("missing", true)).isTrue();
    assertThatThrownBy(() -> a.bool("b", true))
        .hasMessageContaining("'--b' needs true or false, got 'yes'");
  }

  @Test
  void shouldRefuseRunWithoutABroker() {
    assertThatThrownBy(() -> new RunCommand().run(List.of()))
        .hasMessageContaining("kafka.bootstrap is required");
  }
}
