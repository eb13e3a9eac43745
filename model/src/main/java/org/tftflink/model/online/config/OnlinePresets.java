package org.tftflink.model.online.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two named presets. The seed design's values are not in the repository, so these are ours; the
 * reason behind each value is in docs/online-learning.md ("Presets").
 *
 * <p>{@code conservative} (the product default, the key defaults) never serves a worse model: a low
 * learning rate (a tenth of initial training's), one epoch, a strict gate (no loss tolerated),
 * replay and distillation against forgetting, an hour of shadow scoring, updates every 6 hours.
 *
 * <p>{@code aggressive} follows change fast: hourly updates from fewer samples, 5x the learning
 * rate and three epochs on recent samples only, a 5% gate tolerance, no shadow period, a more
 * sensitive drift detector (Page-Hinkley) and active learning on surprising samples.
 */
final class OnlinePresets {
  static final String CONSERVATIVE = "conservative";
  static final String AGGRESSIVE = "aggressive";

  private OnlinePresets() {}

  /** Every key's text value in the named preset. */
  static Map<String, String> values(String name) {
    Map<String, String> values = new LinkedHashMap<>();
    for (OnlineConfig.Key key : OnlineKeys.ALL) {
      values.put(key.name(), key.defaultValue());
    }
    switch (name) {
      case CONSERVATIVE -> {}
      case AGGRESSIVE -> values.putAll(aggressive());
      default ->
          throw new IllegalArgumentException(
              "unknown online-learning preset '"
                  + name
                  + "', expected "
                  + CONSERVATIVE
                  + " or "
                  + AGGRESSIVE);
    }
    return values;
  }

  private static Map<String, String> aggressive() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("strategy", "sliding_window");
    v.put("update_frequency_minutes", "60");
    v.put("min_samples_for_update", "50");
    v.put("sliding_window_hours", "48");
    v.put("replay_buffer_size", "500");
    v.put("replay_sample_ratio", "0.2");
    v.put("online_learning_rate", "0.0005");
    v.put("online_epochs", "3");
    v.put("validation_threshold", "0.05");
    v.put("keep_model_versions", "3");
    v.put("drift_window_size", "50");
    v.put("drift_threshold", "0.3");
    v.put("active_learning", "true");
    v.put("gradient_clip_norm", "1.0");
    v.put("warm_restart_period", "8");
    v.put("drift_learning_rate_factor", "0.7");
    v.put("breaker_max_failures", "5");
    v.put("breaker_cooldown_minutes", "120");
    v.put("shadow_minutes", "0");
    v.put("distillation_weight", "0.0");
    v.put("holdout_share", "0.1");
    v.put("holdout_max_samples", "300");
    v.put("window_max_samples", "2000");
    v.put("max_update_samples", "2048");
    v.put("drift_detector", "page_hinkley");
    v.put("rollback_tolerance", "0.1");
    v.put("rollback_watch_minutes", "120");
    v.put("rollback_min_samples", "30");
    v.put("screen_max_deviation", "1000");
    v.put("max_suspect_share", "0.25");
    return v;
  }
}
