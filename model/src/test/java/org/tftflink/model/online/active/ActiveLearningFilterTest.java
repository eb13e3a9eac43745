package org.tftflink.model.online.active;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.SampleScores;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

class ActiveLearningFilterTest {
  private static final SampleScores SCORES = new SampleScores(new double[] {0.1, 0.5, 0.9});

  private static MaturedSample s(double actual, double half) {
    TftWindow w =
        new TftWindow(new double[][] {{1}}, new double[2][0], new String[0], new double[0]);
    return new MaturedSample(
        "a",
        0,
        new TrainingSample(w, new double[] {actual}),
        new double[][] {{10 - half, 10, 10 + half}},
        1);
  }

  @Test
  void shouldTrainOnUncertainOrSurprisingSamplesOnly() {
    ActiveLearningFilter f = new ActiveLearningFilter(true, 0.2, SCORES);
    assertThat(f.accept(s(10.2, 0.5))).isFalse(); // narrow band (0.1 of the level), inside it
    assertThat(f.accept(s(10.2, 1.5))).isTrue(); // wide band: 0.3 of the level
    assertThat(f.accept(s(13.0, 0.5))).isTrue(); // 2.5 outside a narrow band: 0.25 of the level
    assertThat(f.seen()).isEqualTo(3);
    assertThat(f.skipped()).isEqualTo(1);
    assertThat(f.skippedShare()).isEqualTo(1.0 / 3);
  }

  @Test
  void shouldAcceptEverythingWhenOff() {
    ActiveLearningFilter f = new ActiveLearningFilter(false, 0.2, SCORES);
    assertThat(f.accept(s(10, 0.1))).isTrue();
    assertThat(f.skippedShare()).isZero();
  }
}
