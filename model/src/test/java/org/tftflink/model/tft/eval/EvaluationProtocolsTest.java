package org.tftflink.model.tft.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.model.tft.TftConfig;

/**
 * The ETT and half-split protocols run end to end on small synthetic files (short budgets; wiring,
 * not accuracy).
 */
class EvaluationProtocolsTest {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @TempDir Path dir;

  @Test
  void shouldReportModelAndBaselinesOnStandardTestWindowsWhenEtt() throws IOException {
    Path csv = dir.resolve("ETTh1.csv");
    List<String> lines = new ArrayList<>();
    lines.add("date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT");
    LocalDateTime t = LocalDateTime.of(2016, 7, 1, 0, 0);
    for (int i = 0; i < 14400; i++) {
      double day = Math.sin(2 * Math.PI * i / 24);
      lines.add(t.plusHours(i).format(FORMAT) + "," + day + ",1,2,3,4,5," + (20 + 5 * day));
    }
    Files.write(csv, lines);
    TftConfig config =
        TftConfig.builder()
            .hiddenSize(4)
            .attentionHeads(1)
            .hiddenContinuousSize(2)
            .encoderLength(6)
            .horizon(3)
            .missingIndicators(false)
            .batchSize(512)
            .maxEpochs(1)
            .build();

    EvaluationReport r = EttEvaluation.run(csv, config, Duration.ofSeconds(2), s -> {});

    assertThat(r.testWindows()).isEqualTo(2880 - 3 + 1);
    assertThat(r.methods()).containsOnlyKeys("tft", "repeat_last", "seasonal_naive");
    assertThat(r.methods().get("tft").points()).isEqualTo(r.testWindows() * 3L);
    // a daily sine: the seasonal-naive forecast is exact
    assertThat(r.methods().get("seasonal_naive").mse()).isLessThan(1e-20);
    assertThat(r.methods().get("tft").coverage()).isBetween(0.0, 1.0);
  }

  @Test
  void shouldTestOnSecondHalfWhenHalfSplit() throws IOException {
    Path csv = dir.resolve("series.csv");
    List<String> lines = new ArrayList<>();
    lines.add("timestamp,value");
    LocalDateTime t = LocalDateTime.of(2014, 2, 14, 14, 30);
    for (int i = 0; i < 800; i++) {
      lines.add(
          t.plusMinutes(5L * i).format(FORMAT) + "," + (50 + 10 * Math.sin(2 * Math.PI * i / 288)));
    }
    Files.write(csv, lines);
    TftConfig config =
        TftConfig.builder()
            .hiddenSize(4)
            .attentionHeads(1)
            .hiddenContinuousSize(2)
            .encoderLength(8)
            .horizon(4)
            .observedReals(1)
            .missingIndicators(false)
            .batchSize(64)
            .maxEpochs(1)
            .build();

    EvaluationReport r = HalfSplitEvaluation.run(csv, config, 288, Duration.ofSeconds(5), s -> {});

    assertThat(r.testWindows()).isEqualTo(800 - 4 - 400 + 1);
    assertThat(r.methods().get("seasonal_naive").qRisk50()).isLessThan(1e-9);
    assertThat(r.methods().get("repeat_last").qRisk50()).isPositive();
  }
}
