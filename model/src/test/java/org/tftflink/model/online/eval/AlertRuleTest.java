package org.tftflink.model.online.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRuleTest {

  private static boolean[] flags(String s) {
    boolean[] b = new boolean[s.length()];
    for (int i = 0; i < b.length; i++) {
      b[i] = s.charAt(i) == 'x';
    }
    return b;
  }

  @Test
  void shouldAlertOnceWhenKOfTheLastMActualsLeaveTheBand() {
    AlertRule rule = new AlertRule(2, 3);
    // steps 1,2 outside: holds at 2 and 3 (one alert), off at 4; steps 8,10 outside: alert at 10
    assertThat(rule.alerts(flags(".xx.....x.x..."))).containsExactly(2, 10);
  }

  @Test
  void shouldNotAlertOnIsolatedExcursions() {
    assertThat(new AlertRule(2, 3).alerts(flags("x...x...x...x"))).isEmpty();
  }

  @Test
  void shouldAlertOnEveryOutsideStepWhenKIsOneOfOne() {
    assertThat(new AlertRule(1, 1).alerts(flags("x.xx.x"))).containsExactly(0, 2, 5);
  }

  @Test
  void shouldParseKSlashMAndNameBadRules() {
    assertThat(AlertRule.parse("5/6")).isEqualTo(new AlertRule(5, 6));
    assertThatThrownBy(() -> AlertRule.parse("6/5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k=6 of m=5");
    assertThatThrownBy(() -> AlertRule.parse("five"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'five'");
  }

  @Test
  void shouldCountFalsePositivesAndDetectedWindows() {
    List<long[]> windows = List.of(new long[] {10, 20}, new long[] {40, 50}, new long[] {70, 80});
    AlertScore s = AlertScore.of(List.of(5L, 12L, 15L, 20L, 60L, 79L), windows);
    assertThat(s).isEqualTo(new AlertScore(6, 2, 2, 3));
  }
}
