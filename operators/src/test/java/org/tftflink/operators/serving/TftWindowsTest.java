package org.tftflink.operators.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;

/**
 * Windows cut from a host's history: observed values, missing flags, calendar and static inputs.
 */
class TftWindowsTest {

  private static final long STEP = 300_000;
  // Monday 2014-02-17 00:00 UTC, as a step index
  private static final long MONDAY = Instant.parse("2014-02-17T00:00:00Z").toEpochMilli() / STEP;

  private final TftConfig config =
      TftConfig.builder()
          .hiddenSize(4)
          .attentionHeads(1)
          .encoderLength(3)
          .horizon(2)
          .observedReals(2)
          .knownReals(2)
          .staticCategoricals(2)
          .staticReals(0)
          .build();

  private HostHistory history() {
    HostHistory h = new HostHistory(10, 2);
    h.appendObserved(MONDAY - 1, new double[] {1, 10});
    h.appendObserved(MONDAY, new double[] {2, Double.NaN});
    h.imputeNext();
    h.appendObserved(MONDAY + 2, new double[] {4, 40});
    h.tags = new String[] {"cluster", "eu-1", "role", "web"};
    return h;
  }

  @Test
  void shouldMarkImputedValuesAsMissingAndKeepObservedOnes() {
    TftWindow w = TftWindows.latest(config, "web-1", history(), STEP, List.of("role"));

    assertThat(w.observed()[0]).containsExactly(2, Double.NaN);
    assertThat(w.observed()[1]).containsExactly(Double.NaN, Double.NaN);
    assertThat(w.observed()[2]).containsExactly(4, 40);
    w.validate(config);
  }

  @Test
  void shouldGiveHourAndWeekdayOfEveryEncoderAndHorizonStep() {
    TftWindow w = TftWindows.latest(config, "web-1", history(), STEP, List.of("role"));

    assertThat(w.known()).hasNumberOfRows(5);
    assertThat(w.known()[0]).containsExactly(0.0, 0.0); // Monday 00:00
    assertThat(w.known()[4]).containsExactly(20 / 60.0, 0.0); // Monday 00:20, the last horizon step
  }

  @Test
  void shouldUseTheHostThenTheConfiguredTagsAsStaticCategoricals() {
    assertThat(
            TftWindows.latest(config, "web-1", history(), STEP, List.of("role"))
                .staticCategoricals())
        .containsExactly("web-1", "web");
    assertThat(
            TftWindows.latest(config, "web-1", history(), STEP, List.of("zone"))
                .staticCategoricals())
        .containsExactly("web-1", "");
  }

  @Test
  void shouldRefuseAWindowLongerThanTheHistory() {
    HostHistory h = new HostHistory(10, 2);
    h.appendObserved(1, new double[] {1, 1});

    assertThatThrownBy(() -> TftWindows.latest(config, "x", h, STEP, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit");
  }
}
