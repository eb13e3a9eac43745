package org.tftflink.model.online.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.Served;
import org.tftflink.model.tft.TftConfig;

class DriftAnalysisTest {
  private static final TftConfig CONFIG =
      TftConfig.builder()
          .hiddenSize(4)
          .attentionHeads(1)
          .hiddenContinuousSize(2)
          .encoderLength(2)
          .horizon(1)
          .observedReals(1)
          .knownReals(2)
          .build();

  /** 40 rows, level 0 before row 20 and 10 from it on; the marker at row 20. */
  static EvalSeries stepSeries() {
    int rows = 40;
    long[] ts = new long[rows];
    double[][] obs = new double[rows][1];
    double[][] known = new double[rows][2];
    for (int r = 0; r < rows; r++) {
      ts[r] = r * 60_000L;
      obs[r][0] = r < 20 ? 0 : 10;
    }
    return new EvalSeries(
        "step.csv",
        "h",
        new String[] {"value"},
        ts,
        obs,
        known,
        0,
        1,
        1,
        4,
        4,
        4,
        4,
        List.of(),
        List.of(20 * 60_000L));
  }

  @Test
  void shouldMeasureAdaptationAndForgettingOfTheModelServedAfterTheMarker() {
    EvalSeries s = stepSeries();
    StrategyTrace<Double> run = new StrategyTrace<>("level");
    run.servedHistory().add(new StrategyTrace.ServedAt<>(0, served(1, 0.0)));
    // the learner moves to level 10 three rows after the marker
    run.servedHistory().add(new StrategyTrace.ServedAt<>(23 * 60_000L, served(2, 10.0)));
    SeriesTrace trace = new SeriesTrace(s, new double[] {0.1, 0.5, 0.9});
    LevelOps ops = new LevelOps(1);
    for (int o = s.scoreFrom(); o <= s.lastOrigin(1); o++) {
      double level = run.servedAt(s.timestampsMs()[o]).models().get(0);
      trace.score(o, ops.predict(level, List.of(s.window(o, CONFIG)))[0], false);
    }
    DriftAnalysis<Double> analysis = new DriftAnalysis<>(ops, CONFIG, 2, 8, 1.2);

    DriftFigure f = analysis.analyse(trace, run).get(0);

    // errors 10 at origins 20-22, 0 from 23: windows [20,21], [21,22], [22,23]=5, [23,24]=0 -> 3
    assertThat(f.row()).isEqualTo(20);
    assertThat(f.adaptationSteps()).isEqualTo(3);
    assertThat(f.preDriftMae()).isZero();
    assertThat(f.beforeVersion()).isEqualTo(1);
    assertThat(f.afterVersion()).isEqualTo(2);
    // pre-drift actuals 0: level 0 loses (0.1+0+0.1)/3, level 10 loses (8.1+5+1.1)/3
    assertThat(f.forgetting()).isCloseTo((14.2 / 3) / (0.2 / 3) - 1, within(1e-9));
  }

  @Test
  void shouldReportNoForgettingForAModelThatNeverChanged() {
    EvalSeries s = stepSeries();
    StrategyTrace<Double> run = new StrategyTrace<>("frozen");
    run.servedHistory().add(new StrategyTrace.ServedAt<>(0, served(1, 0.0)));
    SeriesTrace trace = new SeriesTrace(s, new double[] {0.1, 0.5, 0.9});
    LevelOps ops = new LevelOps(1);
    for (int o = s.scoreFrom(); o <= s.lastOrigin(1); o++) {
      trace.score(o, ops.predict(0.0, List.of(s.window(o, CONFIG)))[0], false);
    }

    DriftFigure f = new DriftAnalysis<>(ops, CONFIG, 2, 8, 1.2).analyse(trace, run).get(0);

    assertThat(f.adaptationSteps()).isNull();
    assertThat(f.forgetting()).isZero();
  }

  private static Served<Double> served(long version, double level) {
    return new Served<>(List.of(version), List.of(level), new double[] {1});
  }
}
