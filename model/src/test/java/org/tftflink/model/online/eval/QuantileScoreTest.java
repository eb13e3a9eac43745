package org.tftflink.model.online.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QuantileScoreTest {
  private static final double[] LEVELS = {0.1, 0.5, 0.9};

  @Test
  void shouldComputeQRiskAsTwiceThePinballSumOverTheAbsoluteActuals() {
    QuantileScore s = new QuantileScore(LEVELS);
    // y=10, band 8/9/12: pinball p10 = 0.1*2 = 0.2, p50 = 0.5*1 = 0.5, p90 = 0.1*2 = 0.2
    s.add(10, new double[] {8, 9, 12}, 1);
    // y=-4, band -2/0/1: p10 = 0.9*2 = 1.8, p50 = 0.5*4 = 2, p90 = 0.1*5... (y<q: (0.9-1)*-5 = 0.5)
    s.add(-4, new double[] {-2, 0, 1}, 1);
    assertThat(s.qRisk(0.5)).isCloseTo(2 * (0.5 + 2.0) / 14, within(1e-12));
    assertThat(s.qRisk(0.9)).isCloseTo(2 * (0.2 + 0.5) / 14, within(1e-12));
    assertThat(s.meanPinball(0)).isCloseTo((0.2 + 1.8) / 2, within(1e-12));
    assertThat(s.mae()).isCloseTo((1 + 4) / 2.0, within(1e-12));
    assertThat(s.rmse()).isCloseTo(Math.sqrt((1 + 16) / 2.0), within(1e-12));
    assertThat(s.coverage()).isEqualTo(0.5);
  }

  @Test
  void shouldScaleMseAndMaeByTheEvaluationScale() {
    QuantileScore s = new QuantileScore(LEVELS);
    s.add(10, new double[] {0, 6, 20}, 2);
    assertThat(s.maeScaled()).isCloseTo(2, within(1e-12));
    assertThat(s.mseScaled()).isCloseTo(4, within(1e-12));
    assertThat(s.mae()).isCloseTo(4, within(1e-12));
  }

  @Test
  void shouldScorePointForecastsAtEveryLevelWithoutCoverage() {
    QuantileScore s = new QuantileScore(LEVELS);
    s.addPoint(10, 8, 1);
    assertThat(s.meanPinball(2)).isCloseTo(0.9 * 2, within(1e-12));
    assertThat(s.meanPinball(0)).isCloseTo(0.1 * 2, within(1e-12));
    assertThat(s.coverage()).isNaN();
  }

  @Test
  void shouldLeaveMissingActualsOut() {
    QuantileScore s = new QuantileScore(LEVELS);
    s.add(Double.NaN, new double[] {1, 2, 3}, 1);
    s.add(2, new double[] {1, 2, 3}, 1);
    assertThat(s.points()).isEqualTo(1);
    assertThat(s.mae()).isZero();
  }

  @Test
  void shouldLabelLevelsAsPercentiles() {
    assertThat(QuantileScore.label(0.1)).isEqualTo("p10");
    assertThat(QuantileScore.label(0.5)).isEqualTo("p50");
    assertThat(QuantileScore.label(0.025)).isEqualTo("p2.5");
  }
}
