package org.tftflink.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabSeriesTest {

  // Ten files of 4,032 rows each (wc -l: 4,033 lines with the header).
  private static final int NAB_EVENTS = 40_320;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldReplayEveryRowOfEveryFileWhenMerged() {
    List<NabSeries.Row> rows = NabSeries.rows();

    assertThat(rows).hasSize(NAB_EVENTS);
    Map<String, Long> perHost = new LinkedHashMap<>();
    rows.forEach(r -> perHost.merge(r.host(), 1L, Long::sum));
    assertThat(perHost)
        .hasSize(10)
        .allSatisfy((host, count) -> assertThat(count).isEqualTo(4_032L));
    assertThat(perHost).containsKeys("ec2-cpu-24ae8d", "rds-cpu-cc0c53", "rds-cpu-e47b3b");
  }

  @Test
  void shouldOrderByTimestampAndKeepFileOrderWhenTimestampsTie() {
    List<NabSeries.Row> rows = NabSeries.rows();

    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i).timestamp()).isAfterOrEqualTo(rows.get(i - 1).timestamp());
    }
    // 14:27 holds 5f5533 and fe7f93, 14:30 holds 24ae8d, 53ea38 and cc0c53: file order within each.
    assertThat(rows.subList(0, 5))
        .extracting(NabSeries.Row::host)
        .containsExactly(
            "ec2-cpu-5f5533",
            "ec2-cpu-fe7f93",
            "ec2-cpu-24ae8d",
            "ec2-cpu-53ea38",
            "rds-cpu-cc0c53");
    assertThat(rows.get(0).timestamp()).hasToString("2014-02-14T14:27:00Z");
  }

  @Test
  void shouldKeepEachFilesRowsInTheirOrderWhenMerged() throws Exception {
    List<NabSeries.Row> rows = NabSeries.rows();
    String series = "ec2_cpu_utilization_5f5533";
    List<String> expected =
        Files.readAllLines(
                Path.of("src/main/resources/data/nab/realAWSCloudwatch/" + series + ".csv"))
            .subList(1, 4_033);

    List<String> merged = new ArrayList<>();
    for (NabSeries.Row row : rows) {
      if (row.series().equals(series)) {
        merged.add(
            row.timestamp().toString().replace('T', ' ').replace("Z", "") + "," + row.value());
      }
    }
    assertThat(merged).isEqualTo(expected);
  }

  @Test
  void shouldWriteMetricEventContractWhenRowBecomesEvent() throws Exception {
    NabSeries.Row row = NabSeries.rows().get(0);

    String json = new String(NabSeries.toJson(row), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"host\":\"ec2-cpu-5f5533\",\"ts\":\"2014-02-14T14:27:00Z\","
                + "\"metrics\":{\"cpu\":51.846000000000004},"
                + "\"tags\":{\"source\":\"nab\",\"series\":\"ec2_cpu_utilization_5f5533\"}}");
  }

  @Test
  void shouldWriteSameEventsAsJsonLinesWhenAskedForAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nab.jsonl");

    long written = Replayer.writeNabJsonLines(file);

    List<String> lines = Files.readAllLines(file);
    List<ReplayMessage> events = NabSeries.events();
    assertThat(written).isEqualTo(NAB_EVENTS);
    assertThat(lines).hasSize(NAB_EVENTS);
    assertThat(lines.get(12_345))
        .isEqualTo(new String(events.get(12_345).value(), StandardCharsets.UTF_8));
    JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(last.get("host").asText()).isEqualTo(events.get(NAB_EVENTS - 1).host());
    assertThat(last.get("metrics").get("cpu").isNumber()).isTrue();
  }
}
