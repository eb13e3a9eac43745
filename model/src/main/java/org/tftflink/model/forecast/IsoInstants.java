package org.tftflink.model.forecast;

import java.time.Instant;

/**
 * ISO-8601 strings of instants, memoized per thread. Every host's forecast for one step carries the
 * same horizon timestamps, so a small direct-mapped cache turns thousands of {@code
 * Instant.toString()} calls per step into a few.
 */
final class IsoInstants {

  private static final int SLOTS = 512;
  private static final ThreadLocal<IsoInstants> CACHE = ThreadLocal.withInitial(IsoInstants::new);

  private final long[] keys = new long[SLOTS];
  private final String[] values = new String[SLOTS];

  private IsoInstants() {}

  static String format(long epochMillis) {
    return CACHE.get().lookup(epochMillis);
  }

  private String lookup(long epochMillis) {
    int slot = (int) Math.floorMod(epochMillis / 1000 ^ (epochMillis / 1000 >>> 17), (long) SLOTS);
    if (values[slot] == null || keys[slot] != epochMillis) {
      keys[slot] = epochMillis;
      values[slot] = Instant.ofEpochMilli(epochMillis).toString();
    }
    return values[slot];
  }
}
