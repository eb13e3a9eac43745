package org.tftflink.model.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostHistoryTest {

  @Test
  void shouldKeepOnlyTheLastCapacityStepsOldestFirst() {
    HostHistory h = new HostHistory(3, 1);
    for (int s = 10; s < 15; s++) {
      h.appendObserved(s, new double[] {s * 10});
    }
    assertThat(h.size).isEqualTo(3);
    assertThat(h.lastStep).isEqualTo(14);
    assertThat(new float[] {h.value(0, 0), h.value(1, 0), h.value(2, 0)})
        .containsExactly(120, 130, 140);
    assertThat(h.stepOfRow(0)).isEqualTo(12);
  }

  @Test
  void shouldCarryForwardAndFlagMissingWhenImputing() {
    HostHistory h = new HostHistory(4, 2);
    h.appendObserved(0, new double[] {5, 7});
    h.imputeNext();

    assertThat(h.lastStep).isEqualTo(1);
    assertThat(h.missingRun).isEqualTo(1);
    assertThat(h.value(1, 0)).isEqualTo(5);
    assertThat(h.isMissing(1, 0)).isTrue();
    assertThat(h.isMissing(0, 0)).isFalse();

    h.appendObserved(2, new double[] {6, 8});
    assertThat(h.missingRun).isZero();
  }

  @Test
  void shouldCountOnlyObservedTargetValuesTowardTheWarmup() {
    HostHistory h = new HostHistory(8, 2);
    h.appendObserved(0, new double[] {5, 7});
    h.imputeNext();
    h.imputeNext();
    h.appendObserved(3, new double[] {Double.NaN, 8}); // a covariate only: the target is missing

    assertThat(h.size).isEqualTo(4);
    assertThat(h.hasObservedTarget(1)).isTrue();
    assertThat(h.hasObservedTarget(2)).isFalse();

    h.appendObserved(4, new double[] {6, 9});
    assertThat(h.hasObservedTarget(2)).isTrue();
    assertThat(h.hasObservedTarget(3)).isFalse();
  }

  @Test
  void shouldCarryForwardAColumnMissingFromAnObservedStep() {
    HostHistory h = new HostHistory(4, 2);
    h.appendObserved(0, new double[] {5, 7});
    h.appendObserved(1, new double[] {6, Double.NaN});

    assertThat(h.value(1, 1)).isEqualTo(7);
    assertThat(h.isMissing(1, 1)).isTrue();
    assertThat(h.isMissing(1, 0)).isFalse();
  }

  @Test
  void shouldCarryForwardAcrossTheRingBoundary() {
    HostHistory h = new HostHistory(2, 1);
    h.appendObserved(0, new double[] {1});
    h.appendObserved(1, new double[] {2});
    h.imputeNext();
    assertThat(h.value(1, 0)).isEqualTo(2);
    assertThat(h.value(0, 0)).isEqualTo(2);
  }

  @Test
  void shouldRejectAStepThatDoesNotFollowTheLastOne() {
    HostHistory h = new HostHistory(4, 1);
    h.appendObserved(0, new double[] {1});
    assertThatThrownBy(() -> h.appendObserved(2, new double[] {1}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not follow");
  }

  @Test
  void shouldKeepEveryRowInOrderWhenAWrappedRingGrows() {
    HostHistory h = new HostHistory(3, 1);
    for (int s = 0; s < 5; s++) {
      h.appendObserved(s, new double[] {s});
    }
    h.imputeNext(); // rows: steps 3, 4, 5 (5 imputed), ring wrapped

    h.growTo(6);
    h.appendObserved(6, new double[] {6});

    assertThat(h.capacity).isEqualTo(6);
    assertThat(h.size).isEqualTo(4);
    assertThat(new double[] {h.value(0, 0), h.value(1, 0), h.value(2, 0), h.value(3, 0)})
        .containsExactly(3, 4, 4, 6);
    assertThat(h.isMissing(2, 0)).isTrue();
    assertThat(h.stepOfRow(0)).isEqualTo(3);
    assertThat(h.lastStep).isEqualTo(6);
  }
}
