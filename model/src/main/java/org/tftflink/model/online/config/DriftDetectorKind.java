package org.tftflink.model.online.config;

import java.util.Locale;

/** Which drift detector watches the prediction errors (key {@code drift_detector}). */
public enum DriftDetectorKind {
  /** The seed design's: relative change of error mean and std against a baseline window. */
  SEED,
  /** Page-Hinkley cumulative test for an increase of the mean. */
  PAGE_HINKLEY,
  /** ADWIN adaptive windowing (Bifet and Gavaldà, 2007). */
  ADWIN;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DriftDetectorKind of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
