package org.tftflink.model.forecast;

import java.util.Objects;

/**
 * Which model made a forecast: its kind ({@code baseline} or {@code tft}), version and epoch (see
 * the timeline rule in DESIGN.md), and for the baseline the method that was applicable.
 */
public record ModelRef(String kind, long version, long epoch, String method) {

  public static final String BASELINE = "baseline";
  public static final String TFT = "tft";

  public ModelRef {
    Objects.requireNonNull(kind, "kind");
  }

  public static ModelRef baseline(String method) {
    return new ModelRef(BASELINE, 0, 0, method);
  }
}
