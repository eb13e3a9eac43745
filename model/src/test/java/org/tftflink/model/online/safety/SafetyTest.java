package org.tftflink.model.online.safety;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafetyTest {
  @Test
  void shouldRejectCandidateWorseThanThreshold() {
    ValidationGate gate = new ValidationGate(true, 0.05);
    assertThat(gate.decide(1.06, 1.0, Double.NaN).passed()).isFalse();
    assertThat(gate.decide(1.04, 1.0, Double.NaN).passed()).isTrue();
    assertThat(gate.decide(1.06, 1.0, Double.NaN).reason()).contains("6.0% above");
  }

  @Test
  void shouldRejectCandidateWorseThanTheBaselineFloor() {
    ValidationGate gate = new ValidationGate(true, 0.05);
    GateDecision d = gate.decide(0.9, 1.0, 0.8);
    assertThat(d.passed()).isFalse();
    assertThat(d.reason()).contains("baseline floor");
  }

  @Test
  void shouldRejectANonFiniteLossEvenWithValidationOff() {
    ValidationGate off = new ValidationGate(false, 0.0);
    assertThat(off.decide(Double.NaN, 1.0, Double.NaN).passed()).isFalse();
    assertThat(off.decide(5.0, 1.0, Double.NaN).passed()).isTrue();
  }

  @Test
  void liveComparisonShouldAllowTheGateThresholdPlusTolerance() {
    ValidationGate gate = new ValidationGate(true, 0.05);
    assertThat(gate.worse(1.09, 1.0, 0.05)).isFalse();
    assertThat(gate.worse(1.11, 1.0, 0.05)).isTrue();
  }

  @Test
  void breakerShouldOpenAfterNConsecutiveFailuresOnly() {
    CircuitBreaker b = new CircuitBreaker(3, 1000);
    assertThat(b.recordFailure(0)).isFalse();
    assertThat(b.recordFailure(1)).isFalse();
    b.recordSuccess();
    assertThat(b.recordFailure(2)).isFalse();
    assertThat(b.recordFailure(3)).isFalse();
    assertThat(b.recordFailure(4)).isTrue();
    assertThat(b.isOpen()).isTrue();
    assertThat(b.openings()).isEqualTo(1);
  }

  @Test
  void breakerShouldCloseAfterItsCoolDownAndReopenOnTheNextFailure() {
    CircuitBreaker b = new CircuitBreaker(2, 1000);
    b.recordFailure(0);
    b.recordFailure(10);
    assertThat(b.closeIfCooled(1009)).isFalse();
    assertThat(b.closeIfCooled(1010)).isTrue();
    assertThat(b.isOpen()).isFalse();
    assertThat(b.recordFailure(2000)).isTrue(); // half-open: one failure is enough
    assertThat(b.openings()).isEqualTo(2);
  }

  @Test
  void liveComparisonShouldAverageBatchesBySampleCount() {
    LiveComparison c = new LiveComparison(5, 4, 0, 100);
    c.record(2.0, 1.0, 10);
    c.record(1.0, 1.0, 30);
    assertThat(c.challengerLoss()).isEqualTo(1.25);
    assertThat(c.referenceLoss()).isEqualTo(1.0);
    assertThat(c.count()).isEqualTo(40);
    assertThat(c.over(99)).isFalse();
    assertThat(c.over(100)).isTrue();
  }
}
