package org.tftflink.model.online.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineConfigTest {
  @TempDir Path dir;

  private static final List<String> SEED_KEYS =
      List.of(
          "enabled",
          "strategy",
          "update_frequency_minutes",
          "min_samples_for_update",
          "sliding_window_hours",
          "replay_buffer_size",
          "replay_sample_ratio",
          "online_learning_rate",
          "online_epochs",
          "online_batch_size",
          "enable_validation",
          "validation_threshold",
          "enable_rollback",
          "keep_model_versions",
          "drift_detection_enabled",
          "drift_window_size",
          "drift_threshold",
          "active_learning",
          "uncertainty_threshold");

  @Test
  void shouldCarryEverySeedKeyWithADescription() {
    List<String> names = OnlineConfig.keys().stream().map(OnlineConfig.Key::name).toList();
    assertThat(names).containsAll(SEED_KEYS).doesNotHaveDuplicates();
    assertThat(OnlineConfig.keys()).allSatisfy(k -> assertThat(k.description()).isNotBlank());
    assertThat(OnlineConfig.defaults().asProperties().keySet()).containsExactlyElementsOf(names);
  }

  @Test
  void defaultsShouldBeTheConservativePreset() {
    assertThat(OnlineConfig.defaults()).isEqualTo(OnlineConfig.preset("conservative"));
  }

  @Test
  void aggressivePresetShouldLearnFasterAndGateLooserThanConservative() {
    OnlineConfig c = OnlineConfig.preset("conservative");
    OnlineConfig a = OnlineConfig.preset("aggressive");
    assertThat(a.onlineLearningRate()).isGreaterThan(c.onlineLearningRate());
    assertThat(a.onlineEpochs()).isGreaterThan(c.onlineEpochs());
    assertThat(a.updateFrequencyMinutes()).isLessThan(c.updateFrequencyMinutes());
    assertThat(a.validationThreshold()).isGreaterThan(c.validationThreshold());
    assertThat(c.strategy()).isEqualTo(Strategy.REPLAY);
    assertThat(c.replayBufferSize()).isPositive();
  }

  @Test
  void shouldRejectAnUnknownPresetByName() {
    assertThatThrownBy(() -> OnlineConfig.preset("reckless"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reckless");
  }

  @Test
  void shouldNameAnUnknownKeyAndSuggestTheClosest() {
    assertThatThrownBy(() -> OnlineConfig.load(null, null, Map.of("online_learnin_rate", "0.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("online_learnin_rate")
        .hasMessageContaining("online_learning_rate");
  }

  @Test
  void shouldNameKeyValueAndRangeOfAnInvalidValue() {
    assertThatThrownBy(() -> OnlineConfig.defaults().with("replay_sample_ratio", "1.5"))
        .hasMessageContaining("replay_sample_ratio")
        .hasMessageContaining("1.5")
        .hasMessageContaining("[0.0, 0.9]");
    assertThatThrownBy(() -> OnlineConfig.defaults().with("strategy", "magic"))
        .hasMessageContaining("strategy")
        .hasMessageContaining("magic")
        .hasMessageContaining("sliding_window");
    assertThatThrownBy(() -> OnlineConfig.defaults().with("online_epochs", "two"))
        .hasMessageContaining("online_epochs")
        .hasMessageContaining("two");
    assertThatThrownBy(() -> OnlineConfig.defaults().with("update_hours", "22-25"))
        .hasMessageContaining("update_hours");
  }

  @Test
  void shouldApplyPresetThenFileThenOverrides() throws IOException {
    Path file = dir.resolve("online.properties");
    Files.writeString(file, "online_epochs=4\nstrategy=periodic\n");
    OnlineConfig c = OnlineConfig.load(file, "aggressive", Map.of("online_epochs", "7"));
    assertThat(c.onlineEpochs()).isEqualTo(7);
    assertThat(c.strategy()).isEqualTo(Strategy.PERIODIC);
    assertThat(c.updateFrequencyMinutes()).isEqualTo(60);
  }

  @Test
  void shouldReadFlatYamlWithListsAndAnOptionalOnlineSection() throws IOException {
    Path file = dir.resolve("online.yaml");
    Files.writeString(
        file,
        "online:\n  strategy: ensemble\n  trainable_blocks: [decoder, output]\n"
            + "  update_hours: 0-5,22\n  enable_rollback: false\n");
    OnlineConfig c = OnlineConfig.load(file, null, Map.of());
    assertThat(c.strategy()).isEqualTo(Strategy.ENSEMBLE);
    assertThat(c.trainableBlocks()).containsExactly("decoder", "output");
    assertThat(c.updateHours()).containsExactly(0, 1, 2, 3, 4, 5, 22);
    assertThat(c.enableRollback()).isFalse();
  }

  @Test
  void shouldRejectAnUnknownKeyInAYamlFile() throws IOException {
    Path file = dir.resolve("online.yml");
    Files.writeString(file, "drift_treshold: 0.3\n");
    assertThatThrownBy(() -> OnlineConfig.load(file, null, Map.of()))
        .hasMessageContaining("drift_treshold")
        .hasMessageContaining("drift_threshold");
  }

  @Test
  void shouldRoundTripThroughItsProperties() {
    OnlineConfig a = OnlineConfig.preset("aggressive").with("trainable_blocks", "decoder,output");
    assertThat(OnlineConfig.fromProperties(a.asProperties())).isEqualTo(a);
  }
}
