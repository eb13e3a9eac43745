package org.tftflink.job.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tftflink.job.replay.NabSeries;
import org.tftflink.job.replay.ReplayMessage;

/**
 * The benchmark input: {@code hosts} hosts on a 5-minute grid for {@code steps} steps, each host
 * replaying the values of one bundled NAB series from its own offset, so that the values (and the
 * baseline's work) are those of real CPU series, not constants.
 */
final class BenchWorkload {

  static final long STEP_MILLIS = 300_000;
  static final long START = Instant.parse("2014-03-01T00:00:00Z").toEpochMilli();

  private BenchWorkload() {}

  static List<ReplayMessage> events(int hosts, int steps) {
    Map<String, List<String>> valuesBySeries = new TreeMap<>();
    for (NabSeries.Row row : NabSeries.rows()) {
      valuesBySeries.computeIfAbsent(row.series(), s -> new ArrayList<>()).add(row.value());
    }
    List<List<String>> series = new ArrayList<>(valuesBySeries.values());
    List<ReplayMessage> out = new ArrayList<>(hosts * steps);
    for (int s = 0; s < steps; s++) {
      String ts = Instant.ofEpochMilli(START + s * STEP_MILLIS).toString();
      for (int h = 0; h < hosts; h++) {
        List<String> values = series.get(h % series.size());
        String value = values.get((h * 37 + s) % values.size());
        String host = String.format("bench-%04d", h);
        out.add(new ReplayMessage(host, event(host, ts, value)));
      }
    }
    return out;
  }

  private static byte[] event(String host, String ts, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    String json =
        "{\"host\":\""
            + host
            + "\",\"ts\":\""
            + ts
            + "\",\"metrics\":{\"cpu\":"
            + value
            + "},\"tags\":{\"source\":\"bench\"}}";
    b.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }
}
