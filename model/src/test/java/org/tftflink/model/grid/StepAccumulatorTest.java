package org.tftflink.model.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tftflink.model.grid.StepGridConfig.Aggregation;
import org.tftflink.model.grid.StepGridConfig.DuplicatePolicy;

class StepAccumulatorTest {

  @Test
  void shouldAggregateDistinctTimestampsByMeanLastAndMax() {
    StepAccumulator acc = new StepAccumulator(2);
    acc.add(1_000, new double[] {10, 1}, DuplicatePolicy.KEEP_LAST);
    acc.add(3_000, new double[] {30, Double.NaN}, DuplicatePolicy.KEEP_LAST);
    acc.add(2_000, new double[] {20, 5}, DuplicatePolicy.KEEP_LAST);

    assertThat(acc.aggregate(Aggregation.MEAN)).containsExactly(20, 3);
    assertThat(acc.aggregate(Aggregation.MAX)).containsExactly(30, 5);
    // LAST is by event time, not arrival: ts 3000 holds 30; column 1 was last seen at ts 2000
    assertThat(acc.aggregate(Aggregation.LAST)).containsExactly(30, 5);
  }

  @Test
  void shouldReplaceDuplicateTimestampWhenKeepLast() {
    StepAccumulator acc = new StepAccumulator(1);
    assertThat(acc.add(1_000, new double[] {10}, DuplicatePolicy.KEEP_LAST)).isFalse();
    assertThat(acc.add(1_000, new double[] {99}, DuplicatePolicy.KEEP_LAST)).isTrue();

    assertThat(acc.size()).isEqualTo(1);
    assertThat(acc.aggregate(Aggregation.MEAN)).containsExactly(99);
  }

  @Test
  void shouldKeepFirstDuplicateWhenKeepFirst() {
    StepAccumulator acc = new StepAccumulator(1);
    acc.add(1_000, new double[] {10}, DuplicatePolicy.KEEP_FIRST);
    assertThat(acc.add(1_000, new double[] {99}, DuplicatePolicy.KEEP_FIRST)).isTrue();

    assertThat(acc.aggregate(Aggregation.MEAN)).containsExactly(10);
  }

  @Test
  void shouldReportNaNForColumnAbsentFromEveryRow() {
    StepAccumulator acc = new StepAccumulator(2);
    acc.add(1_000, new double[] {1, Double.NaN}, DuplicatePolicy.KEEP_LAST);
    assertThat(acc.aggregate(Aggregation.MEAN)[1]).isNaN();
  }

  @Test
  void shouldRejectRowOfWrongWidth() {
    StepAccumulator acc = new StepAccumulator(2);
    assertThatThrownBy(() -> acc.add(1, new double[] {1}, DuplicatePolicy.KEEP_LAST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 2");
  }
}
