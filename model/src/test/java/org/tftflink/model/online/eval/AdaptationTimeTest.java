package org.tftflink.model.online.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AdaptationTimeTest {

  @Test
  void shouldCountStepsUntilTheForwardWindowIsWithinTheFactorOfThePreDriftLevel() {
    // pre-drift level 1.0 (rows 0-3); the marker at 4; errors fall back at row 7
    double[] e = {1, 1, 1, 1, 5, 4, 3, 1, 1, 1};
    // window 2: [4,5]=4.5, [5,6]=3.5, [6,7]=2.0, [7,8]=1.0 <= 1.2 -> k=3
    assertThat(AdaptationTime.steps(e, 4, 2, 4, 1.2)).hasValue(3);
  }

  @Test
  void shouldBeZeroWhenTheErrorNeverRises() {
    double[] e = {2, 2, 2, 2, 2.3, 2.2, 2.1};
    assertThat(AdaptationTime.steps(e, 4, 2, 4, 1.2)).hasValue(0);
  }

  @Test
  void shouldBeEmptyWhenTheErrorNeverReturns() {
    double[] e = {1, 1, 1, 1, 3, 3, 3, 3};
    assertThat(AdaptationTime.steps(e, 4, 2, 4, 1.2)).isEmpty();
  }

  @Test
  void shouldBeEmptyWithoutAScoredPreDriftWindow() {
    double[] e = new double[8];
    Arrays.fill(e, 0, 4, Double.NaN);
    assertThat(AdaptationTime.steps(e, 4, 2, 4, 1.2)).isEmpty();
  }

  @Test
  void shouldIgnoreUnscoredOriginsInsideTheWindows() {
    double[] e = {1, Double.NaN, 1, 1, 5, 1.1, Double.NaN, 1};
    // [4,5] = 3.05, [5,6] = 1.1 (NaN left out) -> k=1
    assertThat(AdaptationTime.steps(e, 4, 2, 4, 1.2)).hasValue(1);
    assertThat(AdaptationTime.preDriftLevel(e, 4, 4)).isEqualTo(1.0);
  }

  @Test
  void shouldRejectANonPositiveWindow() {
    assertThatThrownBy(() -> AdaptationTime.steps(new double[4], 2, 0, 2, 1.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }
}
