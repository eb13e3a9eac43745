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
 * baseline's work) are those of real CPU series, not constants. Covariates, when asked for, replay
 * other NAB series from other offsets.
 */
final class BenchWorkload {

  static final long STEP_MILLIS = 300_000;
  static final long START = Instant.parse("2014-03-01T00:00:00Z").toEpochMilli();

  private BenchWorkload() {}

  static List<ReplayMessage> events(int hosts, int steps) {
    return events(hosts, steps, List.of());
  }

  /** Events with the target {@code cpu} and one value for each named covariate. */
  static List<ReplayMessage> events(int hosts, int steps, List<String> covariates) {
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
        StringBuilder metrics = new StringBuilder("\"cpu\":");
        metrics.append(values.get((h * 37 + s) % values.size()));
        for (int k = 1; k <= covariates.size(); k++) {
          List<String> other = series.get((h + k) % series.size());
          metrics.append(",\"").append(covariates.get(k - 1)).append("\":");
          metrics.append(other.get((h * 37 + s + 101 * k) % other.size()));
        }
        String host = String.format("bench-%04d", h);
        out.add(new ReplayMessage(host, event(host, ts, metrics.toString())));
      }
    }
    return out;
  }

  private static byte[] event(String host, String ts, String metrics) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    String json =
        "{\"host\":\""
            + host
            + "\",\"ts\":\""
            + ts
            + "\",\"metrics\":{"
            + metrics
            + "},\"tags\":{\"source\":\"bench\"}}";
    b.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }
}
