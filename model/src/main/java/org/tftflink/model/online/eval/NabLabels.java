package org.tftflink.model.online.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * NAB's labelled anomaly windows ({@code labels/combined_windows.json}: file path relative to the
 * data folder, then {@code [start, end]} pairs with timestamps {@code yyyy-MM-dd HH:mm:ss.SSSSSS},
 * read as UTC like the CSVs).
 */
public final class NabLabels {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

  private NabLabels() {}

  /**
   * The windows of the CSV whose path ends with a key of the labels file, e.g. {@code
   * .../realKnownCause/nyc_taxi.csv}; empty when no key matches.
   */
  public static List<long[]> windows(Path labelsFile, Path csv) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(labelsFile));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read NAB labels " + labelsFile, e);
    }
    String path = csv.toAbsolutePath().normalize().toString().replace('\\', '/');
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (path.endsWith("/" + e.getKey()) || path.equals(e.getKey())) {
        List<long[]> out = new ArrayList<>();
        for (JsonNode pair : e.getValue()) {
          out.add(new long[] {parse(pair.get(0).asText()), parse(pair.get(1).asText())});
        }
        return out;
      }
    }
    return List.of();
  }

  /** Parses a NAB or CSV timestamp ({@code yyyy-MM-dd HH:mm:ss}, optional microseconds) as UTC. */
  public static long parse(String timestamp) {
    return LocalDateTime.parse(timestamp.trim(), FORMAT).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /**
   * The labels file next to a NAB CSV: {@code <nab>/labels/combined_windows.json} where the CSV is
   * {@code <nab>/<category>/<file>.csv}; null when absent.
   */
  public static Path besideCsv(Path csv) {
    Path parent = csv.toAbsolutePath().normalize().getParent();
    if (parent == null || parent.getParent() == null) {
      return null;
    }
    Path labels = parent.getParent().resolve("labels").resolve("combined_windows.json");
    return Files.isRegularFile(labels) ? labels : null;
  }
}
