package org.tftflink.model.online.config;

import java.util.Locale;

/** How updates choose their data and what is served (DESIGN section 3, key {@code strategy}). */
public enum Strategy {
  /** Retrain on the whole sliding window every interval, with fresh optimizer moments. */
  PERIODIC,
  /** Incremental updates on the samples that matured since the last update. */
  SLIDING_WINDOW,
  /** New samples mixed with samples replayed from the reservoir. */
  REPLAY,
  /** Updates as replay; serves a weighted combination of the last promoted versions. */
  ENSEMBLE;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Strategy of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
