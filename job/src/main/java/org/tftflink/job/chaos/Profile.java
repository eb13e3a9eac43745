package org.tftflink.job.chaos;

import java.util.Locale;

/**
 * How hard a scenario pushes: {@code short} for CI (seconds), {@code long} for a soak (minutes).
 */
public enum Profile {
  SHORT,
  LONG;

  /** Parses {@code short} or {@code long}, case-insensitively. */
  public static Profile parse(String text) {
    for (Profile p : values()) {
      if (p.name().equalsIgnoreCase(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException("--profile must be short or long, got '" + text + "'");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
