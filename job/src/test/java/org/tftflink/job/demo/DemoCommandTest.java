package org.tftflink.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.CliAccess;
import org.tftflink.job.replay.NabSeries;

/**
 * {@code ./tft demo --input FILE} end to end, as a user runs it: its own broker, local Flink with
 * the web UI, the bundled TFT published at start, a JSON-lines file with good and bad lines, the
 * summary and the copies of both output topics.
 */
class DemoCommandTest {

  @Test
  void shouldAccountForEveryLineAndWriteSummaryAndTopicCopies(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    List<NabSeries.Row> rows = NabSeries.alignedRows().subList(0, 3_000);
    for (NabSeries.Row row : rows) {
      input.writeBytes(NabSeries.toJson(row));
      input.write('\n');
    }
    input.writeBytes("not json\n".getBytes(StandardCharsets.UTF_8));
    input.write('\n'); // an empty message
    input.writeBytes(new byte[] {'{', (byte) 0xFF, '}', '\n'});
    Path file = dir.resolve("input.jsonl");
    Files.write(file, input.toByteArray());

    int exit =
        CliAccess.call(
            new DemoCommand(),
            List.of(
                "--input",
                file.toString(),
                "--rate",
                "0",
                "--port",
                "0",
                "--summary-json",
                dir.resolve("summary.json").toString(),
                "--forecasts-out",
                dir.resolve("forecasts.jsonl").toString(),
                "--dlq-out",
                dir.resolve("dlq.jsonl").toString(),
                "--set",
                "state.dir=" + dir.resolve("state")));

    assertThat(exit).isZero();
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.get("events_in").asLong()).isEqualTo(3_003);
    assertThat(summary.get("valid").asLong()).isEqualTo(3_000);
    assertThat(summary.get("dead_letters").asLong()).isEqualTo(3);
    assertThat(summary.at("/dead_letters_by_reason/not_json").asLong()).isEqualTo(1);
    assertThat(summary.at("/dead_letters_by_reason/empty").asLong()).isEqualTo(1);
    assertThat(summary.at("/dead_letters_by_reason/invalid_utf8").asLong()).isEqualTo(1);
    assertThat(summary.get("reconciled").asBoolean()).isTrue();
    assertThat(summary.get("hosts").asLong()).isEqualTo(10);
    assertThat(summary.get("forecasts_out").asLong()).isPositive();
    // 300 steps per host: the baseline until a host holds the model's 48-step encoder, then the TFT
    assertThat(summary.at("/forecasts_by_model/tft").asLong()).isPositive();
    assertThat(summary.at("/forecasts_by_model/baseline").asLong()).isPositive();

    List<String> dlq = Files.readAllLines(dir.resolve("dlq.jsonl"));
    assertThat(dlq).hasSize(3);
    assertThat(dlq)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"reason\":\"invalid_utf8\"")
                    .contains("\"payloadBase64\":\"e/99\""));
    assertThat(Files.readAllLines(dir.resolve("forecasts.jsonl")))
        .hasSize((int) summary.get("forecasts_out").asLong())
        .allSatisfy(
            l ->
                assertThat(l)
                    .containsAnyOf("\"kind\":\"baseline\"", "\"kind\":\"tft\",\"version\":"));
  }

  /**
   * One host on the four-partition metrics topic: three partitions stay empty and would hold the
   * watermark until {@code watermark.idleness}; the end of the replay drains event time instead.
   */
  @Test
  void shouldForecastEveryStepOfASingleHostReplayAfterWarmUp(@TempDir Path dir) throws Exception {
    long t0 = java.time.Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
    long step = 300_000;
    int steps = 300;
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < steps; i++) {
      input.append(
          String.format(
              "{\"host\":\"web-1\",\"ts\":\"%s\",\"metrics\":{\"cpu\":%.3f}}%n",
              java.time.Instant.ofEpochMilli(t0 + i * step), 50 + 20 * Math.sin(i / 12.0)));
    }
    Path file = dir.resolve("one-host.jsonl");
    Files.writeString(file, input);

    int exit =
        CliAccess.call(
            new DemoCommand(),
            List.of(
                "--input",
                file.toString(),
                "--rate",
                "0",
                "--port",
                "0",
                "--no-model",
                "--forecasts-out",
                dir.resolve("forecasts.jsonl").toString(),
                "--set",
                "state.dir=" + dir.resolve("state")));

    assertThat(exit).isZero();
    java.util.Set<Long> issued = new java.util.TreeSet<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(dir.resolve("forecasts.jsonl"))) {
      JsonNode f = json.readTree(line);
      long at = java.time.Instant.parse(f.get("issuedAt").asText()).toEpochMilli();
      assertThat(issued.add(at)).as("one forecast at %s", f.get("issuedAt")).isTrue();
    }
    // forecast.min_history_steps = 12: the first forecast closes step 11, the last step 299
    java.util.Set<Long> expected = new java.util.TreeSet<>();
    for (int s = 11; s < steps; s++) {
      expected.add(t0 + (s + 1) * step);
    }
    assertThat(issued).containsAll(expected);
  }
}
