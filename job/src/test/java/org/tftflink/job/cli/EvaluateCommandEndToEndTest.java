package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.CliAccess;

/**
 * {@code ./tft evaluate} on the first 2,000 rows of a real NAB series (one labelled window inside)
 * with a tiny TFT: summary.json carries the figures, two runs with one seed agree, and report.html
 * references PNGs that exist.
 */
class EvaluateCommandEndToEndTest {
  private static final Path NAB = Path.of("/work/shared/data/nab");
  private static final String FILE = "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv";

  @TempDir Path dir;

  private Path shortCopy() throws Exception {
    Path csv = dir.resolve("data").resolve(FILE);
    Files.createDirectories(csv.getParent());
    Files.write(csv, Files.readAllLines(NAB.resolve(FILE)).subList(0, 2001));
    return csv;
  }

  private JsonNode evaluate(Path csv, String out) throws Exception {
    Path outDir = dir.resolve(out);
    int code =
        CliAccess.call(
            new EvaluateCommand(),
            List.of(
                "--data", csv.toString(),
                "--target", "value",
                "--strategies", "frozen,sliding_window",
                "--labels", NAB.resolve("labels/combined_windows.json").toString(),
                "--out", outDir.toString(),
                "--hidden", "4",
                "--encoder", "12",
                "--epochs", "2",
                "--train-share", "0.6",
                // the epochs, not the clock, end training: a 2-minute budget ended run a
                // one epoch early at load 20, and the two runs differed
                "--train-minutes", "30",
                "--online", "update_frequency_minutes=360,online_epochs=1",
                "--seed", "7"));
    assertThat(code).isZero();
    return new ObjectMapper().readTree(outDir.resolve("summary.json").toFile());
  }

  @Test
  void shouldWriteTheSummaryDeterministicallyAndAReportWithItsPlots() throws Exception {
    Path csv = shortCopy();
    JsonNode first = evaluate(csv, "a");
    JsonNode series = first.path("series").path("ec2_cpu_utilization_825cc2.csv");
    assertThat(series.path("labelled_windows").asInt()).isEqualTo(1);
    JsonNode methods = series.path("methods");
    assertThat(fieldNames(methods))
        .containsExactly("frozen", "sliding_window", "repeat_last", "seasonal_naive");
    JsonNode frozen = methods.path("frozen");
    for (String f :
        List.of("qrisk50", "qrisk90", "mae", "rmse", "coverage_band", "mse_scaled", "mae_scaled")) {
      assertThat(frozen.path(f).isNumber()).as(f).isTrue();
    }
    assertThat(frozen.path("pinball").path("p10").asDouble()).isPositive();
    assertThat(frozen.path("points").asLong()).isGreaterThan(9_000);
    assertThat(frozen.path("drift")).hasSize(1);
    assertThat(frozen.path("drift").get(0).has("adaptation_steps")).isTrue();
    assertThat(frozen.path("drift").get(0).path("forgetting").asDouble()).isZero();
    assertThat(frozen.path("band_alerts").path("windows").asInt()).isEqualTo(1);
    assertThat(methods.path("repeat_last").path("coverage_band").isNull()).isTrue();
    JsonNode learning = first.path("strategies").path("sliding_window");
    for (String f :
        List.of(
            "updates",
            "rejections",
            "rollbacks",
            "breaker_openings",
            "training_share_of_wall",
            "sample_epochs_trained")) {
      assertThat(learning.has(f)).as(f).isTrue();
    }
    assertThat(first.path("mean_over_series").path("sliding_window").has("qrisk50_vs_frozen"))
        .isTrue();

    JsonNode second = evaluate(csv, "b");
    assertThat(withoutTimes(second)).isEqualTo(withoutTimes(first));

    Path report = dir.resolve("a").resolve("report.html");
    String html = Files.readString(report);
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    List<String> images = new ArrayList<>();
    while (m.find()) {
      images.add(m.group(1));
    }
    assertThat(images)
        .contains(
            "band-ec2_cpu_utilization_825cc2-frozen.png",
            "band-ec2_cpu_utilization_825cc2-sliding_window.png",
            "rolling-ec2_cpu_utilization_825cc2.png",
            "selection-ec2_cpu_utilization_825cc2.png",
            "attention-ec2_cpu_utilization_825cc2.png");
    for (String png : images) {
      assertThat(report.resolveSibling(png)).isRegularFile();
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The summary without wall-clock figures, which differ between two runs of the same seed. */
  private static JsonNode withoutTimes(JsonNode summary) {
    JsonNode copy = summary.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().endsWith("_seconds")
            || e.getKey().equals("training_share_of_wall")
            || e.getKey().equals("samples_trained_per_second")
            || e.getKey().equals("data")) {
          it.remove();
        } else {
          strip(e.getValue());
        }
      }
    } else if (n.isArray()) {
      n.forEach(EvaluateCommandEndToEndTest::strip);
    }
  }
}
