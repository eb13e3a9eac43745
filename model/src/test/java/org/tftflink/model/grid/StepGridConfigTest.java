package org.tftflink.model.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.model.grid.StepGridConfig.Aggregation;
import org.tftflink.model.grid.StepGridConfig.DuplicatePolicy;

class StepGridConfigTest {

  private static StepGridConfig grid(Duration lateness) {
    return new StepGridConfig(
        Duration.ofMinutes(5),
        "cpu",
        List.of("mem"),
        Aggregation.MEAN,
        DuplicatePolicy.KEEP_LAST,
        lateness,
        12,
        100);
  }

  @Test
  void shouldPlaceTimestampsOnTheirStep() {
    StepGridConfig g = grid(Duration.ZERO);
    assertThat(g.stepOf(0)).isZero();
    assertThat(g.stepOf(299_999)).isZero();
    assertThat(g.stepOf(300_000)).isEqualTo(1);
    assertThat(g.stepOf(-1)).isEqualTo(-1);
  }

  @Test
  void shouldCloseAStepAtItsEndPlusLatenessAndInvertThatTime() {
    StepGridConfig g = grid(Duration.ofMinutes(2));
    long close = g.closeTimeOf(7);
    assertThat(close).isEqualTo(8 * 300_000L + 120_000 - 1);
    assertThat(g.stepClosedAt(close)).isEqualTo(7);
  }

  @Test
  void shouldRejectCovariateEqualToTarget() {
    assertThatThrownBy(
            () ->
                new StepGridConfig(
                    Duration.ofMinutes(5),
                    "cpu",
                    List.of("cpu"),
                    Aggregation.MEAN,
                    DuplicatePolicy.KEEP_LAST,
                    Duration.ZERO,
                    12,
                    100))
        .hasMessageContaining("must not contain the target");
  }

  @Test
  void shouldRejectSubSecondStep() {
    assertThatThrownBy(
            () ->
                new StepGridConfig(
                    Duration.ofMillis(10),
                    "cpu",
                    List.of(),
                    Aggregation.MEAN,
                    DuplicatePolicy.KEEP_LAST,
                    Duration.ZERO,
                    12,
                    100))
        .hasMessageContaining("at least 1 second");
  }
}
