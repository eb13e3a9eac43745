package org.tftflink.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.tftflink.model.grid.HostHistory;

class SeasonalNaiveForecasterTest {

  private static final double[] LEVELS = {0.1, 0.5, 0.9};

  private static HostHistory history(double... ys) {
    HostHistory h = new HostHistory(ys.length, 1);
    for (int i = 0; i < ys.length; i++) {
      h.appendObserved(i, new double[] {ys[i]});
    }
    return h;
  }

  @Test
  void shouldRepeatTheValueOneSeasonEarlier() {
    // season 4 with a perfectly periodic signal: residuals are all zero, so the band collapses
    double[] ys = new double[16];
    for (int i = 0; i < ys.length; i++) {
      ys[i] = new double[] {1, 2, 3, 4}[i % 4];
    }
    var f = new SeasonalNaiveForecaster(new BaselineConfig(6, 4, 8, 4, LEVELS));

    var result = f.forecast(history(ys), 0);

    assertThat(result.method()).isEqualTo(SeasonalNaiveForecaster.SEASONAL_NAIVE);
    double[] p50 = new double[6];
    for (int h = 0; h < 6; h++) {
      p50[h] = result.values()[h][1];
      assertThat(result.values()[h][0]).isEqualTo(p50[h]);
      assertThat(result.values()[h][2]).isEqualTo(p50[h]);
    }
    // next steps are indices 16.. -> pattern 1,2,3,4,1,2 (beyond one season it looks back two)
    assertThat(p50).containsExactly(1, 2, 3, 4, 1, 2);
  }

  @Test
  void shouldTakeQuantilesFromSeasonalResiduals() {
    // y[t] = y[t-1 season] + e with e cycling through -2..2: residual quantiles give the band
    double[] ys = new double[2 + 40];
    double[] e = {-2, -1, 0, 1, 2};
    ys[0] = 10;
    ys[1] = 10;
    for (int i = 2; i < ys.length; i++) {
      ys[i] = ys[i - 2] + e[i % 5];
    }
    var f = new SeasonalNaiveForecaster(new BaselineConfig(1, 2, 40, 10, LEVELS));

    double[] row = f.forecast(history(ys), 0).values()[0];

    double point = ys[ys.length - 2];
    assertThat(row[1]).isEqualTo(point);
    assertThat(row[0]).isCloseTo(point - 2, within(0.5));
    assertThat(row[2]).isCloseTo(point + 2, within(0.5));
  }

  @Test
  void shouldRepeatLastValueWithRandomWalkBandsBeforeASeasonIsAvailable() {
    double[] ys = {1, 3, 2, 4, 3, 5, 4, 6};
    var f = new SeasonalNaiveForecaster(new BaselineConfig(4, 288, 100, 10, LEVELS));

    var result = f.forecast(history(ys), 0);

    assertThat(result.method()).isEqualTo(SeasonalNaiveForecaster.REPEAT_LAST);
    // 1-step differences alternate +2/-1: P10 offset -1, P90 offset +2, widened by sqrt(h)
    assertThat(result.values()[0]).containsExactly(5, 6, 8);
    assertThat(result.values()[3]).containsExactly(4, 6, 10); // h = 4: offsets x 2
    assertThat(result.values()[1][0]).isCloseTo(6 - Math.sqrt(2), within(1e-12));
  }

  @Test
  void shouldGiveAZeroWidthBandFromASingleStep() {
    var f = new SeasonalNaiveForecaster(new BaselineConfig(2, 288, 100, 10, LEVELS));

    var result = f.forecast(history(7), 0);

    assertThat(result.values()[1]).containsExactly(7, 7, 7);
  }

  @Test
  void shouldSkipResidualsThatTouchImputedValues() {
    HostHistory h = new HostHistory(10, 1);
    h.appendObserved(0, new double[] {1});
    h.imputeNext();
    h.appendObserved(2, new double[] {100});
    double[] y = new double[3];
    boolean[] observed = {true, false, true};
    h.copyColumn(0, y);

    double[] lag1 = SeasonalNaiveForecaster.differences(y, observed, 1, 10);

    assertThat(lag1).isEmpty();
    assertThat(SeasonalNaiveForecaster.differences(y, observed, 2, 10)).containsExactly(99);
  }
}
