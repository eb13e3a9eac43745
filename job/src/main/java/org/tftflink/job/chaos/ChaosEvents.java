package org.tftflink.job.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The valid side of a scenario's input: metric events on a 5-minute grid from a fixed start, and
 * the forecasts they must produce (one per host and closed step once the host has the minimum
 * history; a drained job closes the last step too).
 */
public final class ChaosEvents {

  /** The job's default step, 5 minutes. */
  public static final long STEP = 300_000;

  /** A step-aligned start, in the past so that no event is too far in the future. */
  public static final long T0 = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();

  private final int minHistory;
  private final Map<String, Set<Long>> expected = new TreeMap<>();

  /**
   * @param minHistory the job's {@code forecast.min_history_steps}
   */
  public ChaosEvents(int minHistory) {
    this.minHistory = minHistory;
  }

  /** A valid event of {@code host} at the start of {@code step}. */
  public static byte[] event(String host, long step, double cpu) {
    return at(host, T0 + step * STEP, cpu);
  }

  /** A valid event of {@code host} at {@code millis}. */
  public static byte[] at(String host, long millis, double cpu) {
    return String.format(
            "{\"host\":\"%s\",\"ts\":\"%s\",\"metrics\":{\"cpu\":%s,\"mem\":50.0}}",
            host, Instant.ofEpochMilli(millis), cpu)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A cpu value that varies by host and step, so that forecasts are not all alike. */
  public static double cpu(String host, long step) {
    return 20 + Math.floorMod(host.hashCode() + step * 7, 60);
  }

  /**
   * Records that {@code host} reports every step of {@code [0, steps)}: forecasts are due at the
   * end of each step from {@code minHistory - 1} on.
   */
  public void expectContiguous(String host, int steps) {
    Set<Long> due = expected.computeIfAbsent(host, h -> new TreeSet<>());
    for (long s = minHistory - 1; s < steps; s++) {
      due.add(T0 + (s + 1) * STEP);
    }
  }

  /** Every (host, issuedAt) that must appear exactly once on {@code forecasts}. */
  public Map<String, Set<Long>> expected() {
    return expected;
  }

  public long expectedCount() {
    return expected.values().stream().mapToLong(Set::size).sum();
  }
}
