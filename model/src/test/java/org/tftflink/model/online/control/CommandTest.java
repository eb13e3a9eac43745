package org.tftflink.model.online.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandTest {
  @Test
  void shouldParseEveryCommand() {
    assertThat(Command.parse("rollback 3")).isEqualTo(new Command("rollback", 3));
    assertThat(Command.parse("  PIN   2 ")).isEqualTo(new Command("pin", 2));
    assertThat(Command.parse("unpin").verb()).isEqualTo("unpin");
    assertThat(Command.parse("update-now").verb()).isEqualTo("update-now");
  }

  @Test
  void shouldSayWhatIsWrongWithAMalformedCommand() {
    assertThatThrownBy(() -> Command.parse("rollback")).hasMessageContaining("needs one version");
    assertThatThrownBy(() -> Command.parse("rollback three")).hasMessageContaining("'three'");
    assertThatThrownBy(() -> Command.parse("pause now")).hasMessageContaining("no argument");
    assertThatThrownBy(() -> Command.parse("reboot"))
        .hasMessageContaining("unknown command 'reboot'");
  }
}
