package org.tftflink.model.tft.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TrainingSample;

/** CSV loading, window cutting, baselines and metrics used by the offline evaluations. */
class EvaluationToolsTest {
  @TempDir Path dir;

  @Test
  void shouldReadNabAndEttLayoutsWhenLoadingCsv() throws IOException {
    Path nab = dir.resolve("nab.csv");
    Files.writeString(
        nab, "timestamp,value\n2014-02-14 14:30:00,0.132\n2014-02-14 14:35:00,0.134\n");
    Path ett = dir.resolve("ETTh1.csv");
    Files.writeString(
        ett, "date,HUFL,OT\n2016-07-01 00:00:00,5.8,30.5\n2016-07-01 01:00:00,5.6,27.7\n");

    CsvSeries a = CsvSeries.load(nab);
    CsvSeries b = CsvSeries.load(ett);

    assertThat(a.columns()).containsExactly("value");
    assertThat(a.timestampsMs()[1] - a.timestampsMs()[0]).isEqualTo(300_000L);
    assertThat(a.values()[1][0]).isEqualTo(0.134);
    assertThat(b.column("OT")).isEqualTo(1);
    assertThat(b.columnValues(1)).containsExactly(30.5, 27.7);
  }

  @Test
  void shouldCutWindowsAroundOriginWhenBuildingSamples() {
    TftConfig c =
        TftConfig.builder().encoderLength(3).horizon(2).observedReals(1).knownReals(2).build();
    double[][] observed = new double[10][1];
    for (int i = 0; i < 10; i++) {
      observed[i][0] = i;
    }
    SeriesWindows w = new SeriesWindows(c, observed, new double[10][2]);

    TrainingSample s = w.sample(5);
    List<TrainingSample> all = w.samples(3, 8);

    assertThat(s.window().targetHistory()).containsExactly(2, 3, 4);
    assertThat(s.futureTarget()).containsExactly(5, 6);
    assertThat(s.window().known()).hasNumberOfRows(5);
    assertThat(all).hasSize(6);
  }

  @Test
  void shouldGiveHourAndWeekdayWhenComputingCalendar() {
    // 2016-07-01 was a Friday
    double[][] k = SeriesWindows.calendar(new long[] {1_467_345_600_000L + 30 * 60_000L});
    assertThat(k[0]).containsExactly(4.5, 4.0);
  }

  @Test
  void shouldEqualZonedDatesInUtcWhenComputingCalendarByArithmetic() {
    java.util.Random r = new java.util.Random(5);
    long[] ts = new long[10_000];
    for (int i = 0; i < ts.length; i++) {
      // before and after 1970, at any millisecond
      ts[i] = (long) ((r.nextDouble() - 0.3) * 4e12);
    }
    double[][] k = SeriesWindows.calendar(ts);
    for (int i = 0; i < ts.length; i++) {
      java.time.ZonedDateTime t =
          java.time.Instant.ofEpochMilli(ts[i]).atZone(java.time.ZoneOffset.UTC);
      assertThat(k[i])
          .as("%s", t)
          .containsExactly(t.getHour() + t.getMinute() / 60.0, t.getDayOfWeek().getValue() - 1);
    }
  }

  @Test
  void shouldRepeatLastAndLookBackOnePeriodWhenNaive() {
    double[] y = {1, 2, 3, 4, 5, 6, 7, 8};
    assertThat(Baselines.repeatLast(y, 5, 3)).containsExactly(5, 5, 5);
    assertThat(Baselines.seasonalNaive(y, 5, 3, 2)).containsExactly(4, 5, 4);
  }

  @Test
  void shouldComputeQRiskAndCoverageWhenAccumulating() {
    ForecastMetrics m = new ForecastMetrics();
    m.add(10, 8, 9, 12, 2);
    m.add(10, 11, 12, 13, 2);

    assertThat(m.mse()).isCloseTo((0.25 + 1.0) / 2, within(1e-12));
    assertThat(m.mae()).isCloseTo((0.5 + 1.0) / 2, within(1e-12));
    // pinball_0.5: 0.5 and 1.0; q-risk = 2 * 1.5 / 20
    assertThat(m.qRisk50()).isCloseTo(0.15, within(1e-12));
    assertThat(m.coverage()).isEqualTo(0.5);
  }

  @Test
  void shouldUseStandardEttBoundariesWhenSplitting() {
    assertThat(EttEvaluation.split(Path.of("ETTh1.csv"))).containsExactly(8640, 11520, 14400);
    assertThat(EttEvaluation.split(Path.of("ETTm1.csv"))).containsExactly(34560, 46080, 57600);
  }
}
