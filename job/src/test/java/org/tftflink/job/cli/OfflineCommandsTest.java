package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.CliAccess;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import picocli.CommandLine;

/**
 * {@code train} and {@code evaluate-offline} on small synthetic CSVs (tiny models, seconds of
 * training).
 */
class OfflineCommandsTest {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final List<String> TINY =
      List.of(
          "--hidden",
          "4",
          "--encoder",
          "8",
          "--horizon",
          "4",
          "--epochs",
          "2",
          "--minutes",
          "0.1",
          "--batch",
          "64");

  @TempDir Path dir;

  /**
   * A NAB-like {@code timestamp,value} series: 5-minute steps, a daily sine plus a little noise.
   */
  private Path nabCsv(int rows) throws IOException {
    Path csv = dir.resolve("series.csv");
    List<String> lines = new ArrayList<>();
    lines.add("timestamp,value");
    LocalDateTime t = LocalDateTime.of(2014, 2, 14, 14, 30);
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < rows; i++) {
      lines.add(
          t.plusMinutes(5L * i).format(FORMAT)
              + ","
              + (50 + 10 * Math.sin(2 * Math.PI * i / 288) + r.nextGaussian()));
    }
    Files.write(csv, lines);
    return csv;
  }

  private static List<String> argv(List<String> base, String... more) {
    List<String> a = new ArrayList<>(List.of(more));
    a.addAll(base);
    return a;
  }

  private Path trainNab(Path csv) throws Exception {
    Path model = dir.resolve("nab.tft");
    int code =
        CliAccess.call(
            new TrainCommand(),
            argv(
                TINY,
                "--data",
                csv.toString(),
                "--target",
                "value",
                "--split",
                "half",
                "--out",
                model.toString()));
    assertThat(code).isZero();
    return model;
  }

  @Test
  void shouldWriteLoadableEnvelopeWhenTrainingOnNabLayout() throws Exception {
    Path model = trainNab(nabCsv(700));

    ModelData data = ModelDataSerializer.deserialize(Files.readAllBytes(model));
    TftModel restored = data.toModel();

    assertThat(data.modelVersion()).isEqualTo(1);
    assertThat(data.epoch()).isZero();
    assertThat(data.trainingFigures())
        .containsKeys("loss", "bestEpoch", "trainSamples", "stepMillis");
    assertThat(data.trainingFigures().get("stepMillis")).isEqualTo(300_000.0);
    assertThat(data.validationFigures().get("loss")).isFinite().isPositive();
    assertThat(restored.config().horizon()).isEqualTo(4);
    assertThat(restored.config().encoderLength()).isEqualTo(8);
    assertThat(restored.config().observedReals()).isEqualTo(1);
    // the Adam moments travel with the weights, so the first online update continues them
    assertThat(data.optimizer()).isNotNull();
    assertThat(data.optimizer().iteration()).isPositive();
    assertThat(data.optimizer().moments().keySet()).isEqualTo(restored.parameters().keySet());
  }

  @Test
  void shouldReportEveryMetricForModelAndBaselinesWhenEvaluatingHalfSplit() throws Exception {
    Path csv = nabCsv(700);
    Path model = trainNab(csv);
    Path json = dir.resolve("summary.json");

    int code =
        CliAccess.call(
            new EvaluateOfflineCommand(),
            List.of(
                "--model",
                model.toString(),
                "--data",
                csv.toString(),
                "--split",
                "half",
                "--summary-json",
                json.toString(),
                "--horizon",
                "4"));

    assertThat(code).isZero();
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("test_windows").asInt()).isEqualTo(700 - 4 - 350 + 1);
    JsonNode methods = root.get("methods");
    assertThat(methods.fieldNames())
        .toIterable()
        .containsExactly("tft", "repeat_last", "seasonal_naive");
    for (String m : List.of("tft", "repeat_last", "seasonal_naive")) {
      for (String f : List.of("mse", "mae", "qrisk50", "qrisk90")) {
        assertThat(methods.get(m).get(f).isNumber()).as(m + " " + f).isTrue();
        assertThat(methods.get(m).get(f).asDouble()).as(m + " " + f).isPositive();
      }
      assertThat(methods.get(m).get("points").asInt())
          .isEqualTo(root.get("test_windows").asInt() * 4);
    }
    assertThat(methods.get("tft").get("coverage_p10_p90").asDouble()).isBetween(0.0, 1.0);
    assertThat(methods.get("repeat_last").get("coverage_p10_p90").isNull()).isTrue();
  }

  @Test
  void shouldTrainAndEvaluateOnStandardSplitWhenEttLayout() throws Exception {
    Path csv = dir.resolve("ETTh1.csv");
    List<String> lines = new ArrayList<>();
    lines.add("date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT");
    LocalDateTime t = LocalDateTime.of(2016, 7, 1, 0, 0);
    for (int i = 0; i < 14400; i++) {
      double day = Math.sin(2 * Math.PI * i / 24);
      lines.add(
          t.plusHours(i).format(FORMAT) + "," + day + ",1,2,3,4,5," + (20 + 5 * day + 0.001 * i));
    }
    Files.write(csv, lines);
    Path model = dir.resolve("ett.tft");
    Path json = dir.resolve("ett.json");
    List<String> tiny =
        List.of(
            "--hidden",
            "4",
            "--encoder",
            "6",
            "--horizon",
            "3",
            "--epochs",
            "1",
            "--minutes",
            "0.03",
            "--batch",
            "512");

    CliAccess.call(
        new TrainCommand(),
        argv(tiny, "--data", csv.toString(), "--target", "OT", "--out", model.toString()));
    CliAccess.call(
        new EvaluateOfflineCommand(),
        List.of(
            "--model",
            model.toString(),
            "--data",
            csv.toString(),
            "--split",
            "ett",
            "--summary-json",
            json.toString()));

    assertThat(ModelDataSerializer.deserialize(Files.readAllBytes(model)).config().observedReals())
        .isEqualTo(7);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("split").asText()).isEqualTo("ett");
    assertThat(root.get("test_windows").asInt()).isEqualTo(2880 - 3 + 1);
    // a daily sine: the seasonal-naive forecast misses only the slow trend, 0.024 per day in
    // original units
    assertThat(root.get("methods").get("seasonal_naive").get("mae").asDouble()).isLessThan(0.01);
    assertThat(root.get("methods").get("tft").get("coverage_p10_p90").asDouble())
        .isBetween(0.0, 1.0);
  }

  @Test
  void shouldTrainOnEveryFileWhenDataListsSeveral() throws Exception {
    Path first = nabCsv(700);
    Path second = dir.resolve("second.csv");
    Files.copy(first, second);
    Path model = dir.resolve("both.tft");

    CliAccess.call(
        new TrainCommand(),
        argv(TINY, "--data", first + "," + second, "--target", "value", "--out", model.toString()));

    ModelData data = ModelDataSerializer.deserialize(Files.readAllBytes(model));
    // 350 first-half rows, encoder 8, horizon 4: 339 windows per file, the first 271 of them train
    assertThat(data.trainingFigures().get("trainSamples")).isEqualTo(2 * 271.0);
    assertThat(data.validationFigures().get("windows")).isEqualTo(2 * 68.0);
  }

  @Test
  void shouldNameMissingDataWhenTrainingWithoutIt() {
    assertThatThrownBy(
            () ->
                CliAccess.call(new TrainCommand(), List.of("--target", "value", "--out", "x.tft")))
        .isInstanceOf(CommandLine.MissingParameterException.class)
        .hasMessageContaining("--data");
  }

  @Test
  void shouldListColumnsWhenTargetIsUnknown() throws Exception {
    Path csv = nabCsv(100);

    assertThatThrownBy(
            () ->
                CliAccess.call(
                    new TrainCommand(),
                    argv(
                        TINY,
                        "--data",
                        csv.toString(),
                        "--target",
                        "cpu",
                        "--out",
                        dir.resolve("x.tft").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cpu'")
        .hasMessageContaining("[value]");
  }

  @Test
  void shouldRejectModelWhoseHorizonDoesNotMatch() throws Exception {
    Path csv = nabCsv(700);
    Path model = trainNab(csv);

    assertThatThrownBy(
            () ->
                CliAccess.call(
                    new EvaluateOfflineCommand(),
                    List.of(
                        "--model", model.toString(), "--data", csv.toString(), "--horizon", "12")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("horizon is 4");
  }

  @Test
  void shouldRejectHalfSplitModelWhenEvaluatedWithEttSplit() throws Exception {
    Path csv = nabCsv(700);
    Path model = trainNab(csv);

    assertThatThrownBy(
            () ->
                CliAccess.call(
                    new EvaluateOfflineCommand(),
                    List.of(
                        "--model", model.toString(), "--data", csv.toString(), "--split", "ett")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 observed real");
  }
}
