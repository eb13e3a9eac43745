package org.tftflink.model.online.drift;

import org.tftflink.model.online.config.OnlineConfig;

/**
 * Builds the detector the configuration names; Page-Hinkley (classic, unfaded) and ADWIN see the
 * errors in units of their baseline mean (the first {@code drift_window_size} errors).
 */
public final class DriftDetectors {
  private DriftDetectors() {}

  public static DriftDetector create(OnlineConfig config) {
    return switch (config.driftDetector()) {
      case SEED -> new SeedDriftDetector(config.driftWindowSize(), config.driftThreshold());
      case PAGE_HINKLEY ->
          new Standardized(
              new PageHinkley(config.pageHinkleyDelta(), config.pageHinkleyLambda(), 1.0),
              config.driftWindowSize());
      case ADWIN -> new Standardized(new Adwin(config.adwinDelta()), config.driftWindowSize());
    };
  }
}
