package org.tftflink.job.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bundled NAB AWS CloudWatch CPU series (one file per host) as metric events, all files merged
 * in timestamp order; the data is replayed as published, gaps and irregular steps included.
 */
public final class NabSeries {

  /** The bundled files in tie-breaking order: equal timestamps keep this order, then row order. */
  public static final List<String> SERIES =
      List.of(
          "ec2_cpu_utilization_24ae8d",
          "ec2_cpu_utilization_53ea38",
          "ec2_cpu_utilization_5f5533",
          "ec2_cpu_utilization_77c1ca",
          "ec2_cpu_utilization_825cc2",
          "ec2_cpu_utilization_ac20cd",
          "ec2_cpu_utilization_c6585a",
          "ec2_cpu_utilization_fe7f93",
          "rds_cpu_utilization_cc0c53",
          "rds_cpu_utilization_e47b3b");

  /** The metric name every NAB value is published under. */
  public static final String METRIC = "cpu";

  private static final String RESOURCE_DIR = "/data/nab/realAWSCloudwatch/";
  private static final String HEADER = "timestamp,value";
  // NAB timestamps carry no zone; CloudWatch exports are UTC.
  private static final DateTimeFormatter NAB_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final JsonFactory JSON = new JsonFactory();
  // The JSON number grammar: the value's text is written into the event unchanged.
  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private NabSeries() {}

  /** One CSV row: its series, host, instant and the value exactly as written in the file. */
  public record Row(String series, String host, Instant timestamp, String value) {}

  /**
   * The host name of a series, e.g. {@code ec2_cpu_utilization_24ae8d} becomes {@code
   * ec2-cpu-24ae8d}.
   */
  public static String hostOf(String series) {
    return series.replace("_utilization", "").replace('_', '-');
  }

  /**
   * Every row of every bundled file, merged by timestamp (stable: ties keep file, then row order).
   */
  public static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (String series : SERIES) {
      rows.addAll(readSeries(series));
    }
    rows.sort(Comparator.comparing(Row::timestamp)); // List.sort is stable
    return rows;
  }

  /** The merged rows as metric events (see DESIGN.md section 2), one message per row. */
  public static List<ReplayMessage> events() {
    List<Row> rows = rows();
    List<ReplayMessage> events = new ArrayList<>(rows.size());
    for (Row row : rows) {
      events.add(new ReplayMessage(row.host(), toJson(row)));
    }
    return events;
  }

  /**
   * Every row with its series moved in time so that all series start at the same instant (the
   * earliest start among them), values and spacing unchanged, merged by timestamp. The bundled
   * series were recorded in different weeks; aligned, they replay like a fleet reporting together,
   * which is what a job with one event-time watermark across partitions expects: otherwise a
   * partition whose hosts lie weeks behind holds the watermark until it is declared idle.
   */
  public static List<Row> alignedRows() {
    Map<String, Instant> firstByHost = new HashMap<>();
    List<Row> rows = rows();
    for (Row row : rows) {
      firstByHost.merge(row.host(), row.timestamp(), (a, b) -> a.isBefore(b) ? a : b);
    }
    Instant start = firstByHost.values().stream().min(Comparator.naturalOrder()).orElseThrow();
    List<Row> aligned = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Duration shift = Duration.between(firstByHost.get(row.host()), start);
      aligned.add(new Row(row.series(), row.host(), row.timestamp().plus(shift), row.value()));
    }
    aligned.sort(Comparator.comparing(Row::timestamp)); // stable: ties keep series, then row order
    return aligned;
  }

  /** {@link #alignedRows()} as metric events. */
  public static List<ReplayMessage> alignedEvents() {
    return alignedRows().stream().map(r -> new ReplayMessage(r.host(), toJson(r))).toList();
  }

  /**
   * Writes {@link #events()} to {@code file} as JSON lines (each event followed by {@code '\n'}).
   */
  public static long writeJsonLines(Path file) {
    List<ReplayMessage> events = events();
    try (OutputStream out = Files.newOutputStream(file)) {
      for (ReplayMessage event : events) {
        out.write(event.value());
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the NAB replay to " + file, e);
    }
    return events.size();
  }

  /**
   * The metric event of one row, e.g. {"host":"ec2-cpu-24ae8d","ts":"2014-02-14T14:30:00Z",...}.
   */
  public static byte[] toJson(Row row) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("host", row.host());
      g.writeStringField("ts", row.timestamp().toString());
      g.writeObjectFieldStart("metrics");
      g.writeFieldName(METRIC);
      // The CSV's own digits, so that no value changes by a round trip through double.
      g.writeNumber(row.value());
      g.writeEndObject();
      g.writeObjectFieldStart("tags");
      g.writeStringField("source", "nab");
      g.writeStringField("series", row.series());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode " + row, e);
    }
    return bytes.toByteArray();
  }

  private static List<Row> readSeries(String series) {
    String resource = RESOURCE_DIR + series + ".csv";
    InputStream in = NabSeries.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException(
          "The bundled NAB file " + resource + " is missing from the classpath");
    }
    String host = hostOf(series);
    List<Row> rows = new ArrayList<>(4100);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (!HEADER.equals(header)) {
        throw new IllegalStateException(
            resource + ": expected header '" + HEADER + "', got '" + header + "'");
      }
      int lineNumber = 1;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        rows.add(parseRow(series, host, line, resource + ":" + lineNumber));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
    return rows;
  }

  private static Row parseRow(String series, String host, String line, String where) {
    int comma = line.indexOf(',');
    if (comma < 0) {
      throw new IllegalStateException(where + ": expected 'timestamp,value', got '" + line + "'");
    }
    String time = line.substring(0, comma);
    String value = line.substring(comma + 1);
    if (!JSON_NUMBER.matcher(value).matches()) {
      throw new IllegalStateException(where + ": the value '" + value + "' is not a number");
    }
    try {
      Instant ts = LocalDateTime.parse(time, NAB_TIME).toInstant(ZoneOffset.UTC);
      return new Row(series, host, ts, value);
    } catch (DateTimeParseException e) {
      throw new IllegalStateException(where + ": cannot read '" + line + "': " + e.getMessage(), e);
    }
  }
}
