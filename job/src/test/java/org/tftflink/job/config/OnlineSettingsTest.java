package org.tftflink.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tftflink.job.serving.TinyModels;
import org.tftflink.model.online.config.OnlineConfig;

/** The learning core's keys as job options: presets, explicit overrides, learning off. */
class OnlineSettingsTest {

  @Test
  void shouldListEveryLearningCoreKeyAsAJobOption() {
    for (OnlineConfig.Key k : OnlineConfig.keys()) {
      assertThat(Options.byName("online." + k.name()).defaultValue()).isEqualTo(k.defaultValue());
    }
  }

  @Test
  void shouldStartFromThePresetAndLetOnlyExplicitOptionsOverrideIt() {
    Settings s =
        Settings.defaults()
            .with(Options.ONLINE_PRESET, "aggressive")
            .with("online.min_samples_for_update", "7");

    OnlineConfig c = OnlineSettings.onlineConfig(s);

    assertThat(c.minSamplesForUpdate()).isEqualTo(7);
    assertThat(c.updateFrequencyMinutes())
        .isEqualTo(OnlineConfig.preset("aggressive").updateFrequencyMinutes());
  }

  @Test
  void shouldRejectABadValueNamingTheOption() {
    assertThatThrownBy(() -> Settings.defaults().with("online.validation_threshold", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("online.validation_threshold");
  }

  @Test
  void shouldBuildNoTrainerWhenLearningIsOffOrThereIsNoFirstModel() {
    byte[] model = TinyModels.envelope(TinyModels.config(3, 8), 1, 1);
    assertThat(OnlineSettings.trainer(Settings.defaults(), null)).isNull();
    assertThat(OnlineSettings.trainer(Settings.defaults().with("online.enabled", "false"), model))
        .isNull();
    var trainer =
        OnlineSettings.trainer(Settings.defaults().with(Options.TRAINING_MODE, "sync"), model);
    assertThat(trainer).isNotNull();
    assertThat(trainer.sync()).isTrue();
  }
}
