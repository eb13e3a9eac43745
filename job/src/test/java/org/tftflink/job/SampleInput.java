package org.tftflink.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.HostPartitioner;

/**
 * A small input for tests that run the whole job: a few hosts reporting cpu every 5 minutes, and
 * bad lines with the dead-letter reason the job must give each.
 */
final class SampleInput {

  static final Instant START = Instant.parse("2014-03-01T00:00:00Z");
  static final long STEP_MS = 300_000;

  /**
   * One host on each partition of the metrics topic: no partition stays empty, so none has to go
   * idle before the watermark moves, and no event turns late because one partition was read later
   * than another (on a loaded machine that took seconds).
   */
  static final List<String> HOSTS = hostPerPartition(Topics.METRICS_PARTITIONS);

  private SampleInput() {}

  private static List<String> hostPerPartition(int partitions) {
    String[] byPartition = new String[partitions];
    int found = 0;
    for (int i = 1; found < partitions; i++) {
      String host = "web-" + i;
      int p = HostPartitioner.partition(host, partitions);
      if (byPartition[p] == null) {
        byPartition[p] = host;
        found++;
      }
    }
    return List.of(byPartition);
  }

  /** {@code steps} events per host, interleaved by time, from step {@code from}. */
  static List<byte[]> good(int from, int steps) {
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < from + steps; i++) {
      for (int h = 0; h < HOSTS.size(); h++) {
        double cpu = 40 + 10 * h + 8 * Math.sin(i / 6.0);
        out.add(event(HOSTS.get(h), START.plusMillis(i * STEP_MS), cpu));
      }
    }
    return out;
  }

  static byte[] event(String host, Instant ts, double cpu) {
    return utf8(
        String.format(
            java.util.Locale.ROOT,
            "{\"host\":\"%s\",\"ts\":\"%s\",\"metrics\":{\"cpu\":%.3f},\"tags\":{\"cluster\":\"eu-1\"}}",
            host,
            ts,
            cpu));
  }

  /** Bad lines, each with the reason the job must give it. */
  static Map<byte[], String> bad() {
    Map<byte[], String> bad = new LinkedHashMap<>();
    bad.put(utf8("this is not json"), "not_json");
    bad.put(utf8("{\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":1}}"), "missing_host");
    bad.put(
        utf8("{\"host\":\"x\",\"ts\":\"2014-03-01T00:00:00Z\",\"metrics\":{\"cpu\":\"NaN\"}}"),
        "non_finite_metric");
    return bad;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] lines(List<byte[]> lines) {
    StringBuilder sb = new StringBuilder();
    for (byte[] l : lines) {
      sb.append(new String(l, StandardCharsets.UTF_8)).append('\n');
    }
    return utf8(sb.toString());
  }
}
