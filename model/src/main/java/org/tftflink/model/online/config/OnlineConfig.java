package org.tftflink.model.online.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The typed, validated online-learning configuration: every key of DESIGN section 3 (snake_case in
 * files) plus the extras, built only through {@link #defaults()}, {@link #preset}, {@link #load} or
 * {@link #with}, so every instance has passed its validators.
 */
public final class OnlineConfig implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The preset {@link #defaults()} returns. */
  public static final String DEFAULT_PRESET = OnlinePresets.CONSERVATIVE;

  /**
   * One key: its snake_case name, its default as text, what it means and how it is checked.
   *
   * @param name the key in files and overrides
   * @param defaultValue the product default (the conservative preset), as text
   * @param description one line for docs and {@code ./tft options}
   * @param validator parses the text, or names key, value and range in its exception
   */
  public record Key(String name, String defaultValue, String description, Validator validator) {
    public Object parse(String value) {
      return validator.parse(name, value.trim());
    }
  }

  private final Map<String, Object> values;

  private OnlineConfig(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** The product default preset. */
  public static OnlineConfig defaults() {
    return preset(DEFAULT_PRESET);
  }

  /** "conservative" | "aggressive"; an unknown name is an IllegalArgumentException naming it. */
  public static OnlineConfig preset(String name) {
    return fromProperties(OnlinePresets.values(name));
  }

  /**
   * Preset (or the default one), then the file (properties, or YAML by extension .yaml/.yml), then
   * the overrides; an unknown key anywhere is an error naming it and the closest known key.
   */
  public static OnlineConfig load(
      Path fileOrNull, String presetOrNull, Map<String, String> overrides) {
    Map<String, String> merged =
        new LinkedHashMap<>(
            OnlinePresets.values(presetOrNull == null ? DEFAULT_PRESET : presetOrNull));
    if (fileOrNull != null) {
      merged.putAll(OnlineConfigFiles.read(fileOrNull));
    }
    if (overrides != null) {
      merged.putAll(overrides);
    }
    return fromProperties(merged);
  }

  /** Every key with its value as text (defaults filled in for keys missing from the map). */
  public static OnlineConfig fromProperties(Map<String, String> properties) {
    for (String key : properties.keySet()) {
      KeyNames.requireKnown(key);
    }
    Map<String, Object> parsed = new LinkedHashMap<>();
    for (Key key : OnlineKeys.ALL) {
      parsed.put(key.name(), key.parse(properties.getOrDefault(key.name(), key.defaultValue())));
    }
    if ((Double) parsed.get("canary_share") > 0
        && (Integer) parsed.get("keep_model_versions") < 2) {
      throw new IllegalArgumentException(
          "canary_share > 0 needs keep_model_versions >= 2 (got "
              + parsed.get("keep_model_versions")
              + "): a canary that fails rolls back to the version before it, whose weights must"
              + " still be kept");
    }
    int maxScored = (Integer) parsed.get("live_score_max_samples");
    int needed =
        Math.max(
            (Boolean) parsed.get("enable_rollback")
                ? (Integer) parsed.get("rollback_min_samples")
                : 0,
            (Integer) parsed.get("shadow_minutes") > 0
                ? (Integer) parsed.get("shadow_min_samples")
                : 0);
    if (maxScored > 0 && maxScored < needed) {
      throw new IllegalArgumentException(
          "live_score_max_samples "
              + maxScored
              + " is below the live samples a decision needs (rollback_min_samples or"
              + " shadow_min_samples, "
              + needed
              + "): raise it or set it to 0 (every sample)");
    }
    return new OnlineConfig(parsed);
  }

  /** This configuration with one key changed (validated). */
  public OnlineConfig with(String key, String value) {
    Map<String, String> props = new LinkedHashMap<>(asProperties());
    KeyNames.requireKnown(key);
    props.put(key, value);
    return fromProperties(props);
  }

  /** Every key with its value, for {@code ./tft options} and the report. */
  public Map<String, String> asProperties() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, Validators.format(v)));
    return out;
  }

  /** Name, default, description and validator of every key (for docs and the CLI). */
  public static List<Key> keys() {
    return OnlineKeys.ALL;
  }

  private int i(String key) {
    return (Integer) values.get(key);
  }

  private double d(String key) {
    return (Double) values.get(key);
  }

  private boolean b(String key) {
    return (Boolean) values.get(key);
  }

  private String s(String key) {
    return (String) values.get(key);
  }

  @SuppressWarnings("unchecked")
  private <T> Set<T> set(String key) {
    return (Set<T>) values.get(key);
  }

  public boolean enabled() {
    return b("enabled");
  }

  public Strategy strategy() {
    return Strategy.of(s("strategy"));
  }

  public int updateFrequencyMinutes() {
    return i("update_frequency_minutes");
  }

  public int minSamplesForUpdate() {
    return i("min_samples_for_update");
  }

  public double slidingWindowHours() {
    return d("sliding_window_hours");
  }

  public int replayBufferSize() {
    return i("replay_buffer_size");
  }

  public double replaySampleRatio() {
    return d("replay_sample_ratio");
  }

  public double onlineLearningRate() {
    return d("online_learning_rate");
  }

  public int onlineEpochs() {
    return i("online_epochs");
  }

  public int onlineBatchSize() {
    return i("online_batch_size");
  }

  public boolean enableValidation() {
    return b("enable_validation");
  }

  public double validationThreshold() {
    return d("validation_threshold");
  }

  public boolean enableRollback() {
    return b("enable_rollback");
  }

  public int keepModelVersions() {
    return i("keep_model_versions");
  }

  public boolean driftDetectionEnabled() {
    return b("drift_detection_enabled");
  }

  public int driftWindowSize() {
    return i("drift_window_size");
  }

  public double driftThreshold() {
    return d("drift_threshold");
  }

  public boolean activeLearning() {
    return b("active_learning");
  }

  public double uncertaintyThreshold() {
    return d("uncertainty_threshold");
  }

  public double gradientClipNorm() {
    return d("gradient_clip_norm");
  }

  public int warmRestartPeriod() {
    return i("warm_restart_period");
  }

  public double warmRestartMinFactor() {
    return d("warm_restart_min_factor");
  }

  public double driftLearningRateFactor() {
    return d("drift_learning_rate_factor");
  }

  public int breakerMaxFailures() {
    return i("breaker_max_failures");
  }

  public int breakerCooldownMinutes() {
    return i("breaker_cooldown_minutes");
  }

  public int shadowMinutes() {
    return i("shadow_minutes");
  }

  public int shadowMinSamples() {
    return i("shadow_min_samples");
  }

  public Set<Integer> updateHours() {
    return set("update_hours");
  }

  public int ensembleSize() {
    return i("ensemble_size");
  }

  public double ensembleTemperature() {
    return d("ensemble_temperature");
  }

  public double ewcWeight() {
    return d("ewc_weight");
  }

  public double distillationWeight() {
    return d("distillation_weight");
  }

  public Set<String> trainableBlocks() {
    return set("trainable_blocks");
  }

  public double holdoutShare() {
    return d("holdout_share");
  }

  public int holdoutBlockMinutes() {
    return i("holdout_block_minutes");
  }

  public int holdoutMaxSamples() {
    return i("holdout_max_samples");
  }

  public int windowMaxSamples() {
    return i("window_max_samples");
  }

  public int maxUpdateSamples() {
    return i("max_update_samples");
  }

  public DriftDetectorKind driftDetector() {
    return DriftDetectorKind.of(s("drift_detector"));
  }

  public double pageHinkleyDelta() {
    return d("page_hinkley_delta");
  }

  public double pageHinkleyLambda() {
    return d("page_hinkley_lambda");
  }

  public double adwinDelta() {
    return d("adwin_delta");
  }

  public double rollbackTolerance() {
    return d("rollback_tolerance");
  }

  public int rollbackWatchMinutes() {
    return i("rollback_watch_minutes");
  }

  public int rollbackMinSamples() {
    return i("rollback_min_samples");
  }

  public int liveScoreMaxSamples() {
    return i("live_score_max_samples");
  }

  public double canaryShare() {
    return d("canary_share");
  }

  public int canaryPeriodMinutes() {
    return i("canary_period_minutes");
  }

  public int canaryMinSamples() {
    return i("canary_min_samples");
  }

  public double canaryTolerance() {
    return d("canary_tolerance");
  }

  public double screenMaxDeviation() {
    return d("screen_max_deviation");
  }

  public int screenConstantSteps() {
    return i("screen_constant_steps");
  }

  public double screenConstantDeviation() {
    return d("screen_constant_deviation");
  }

  public double maxSuspectShare() {
    return d("max_suspect_share");
  }

  public long seed() {
    return i("seed");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnlineConfig other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values);
  }

  @Override
  public String toString() {
    return "OnlineConfig" + asProperties();
  }
}
