package org.tftflink.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tftflink.job.serving.TinyModels;

/** The trainer is refused at startup when serving would reject the plans it publishes. */
class ServingRoomTest {

  private final byte[] model = TinyModels.envelope(TinyModels.config(3, 8), 1, 1);

  @Test
  void shouldRefuseAnEnsembleWithACanaryThatServingCannotHold() {
    Settings s =
        Settings.defaults()
            .with("online.strategy", "ensemble")
            .with("online.ensemble_size", "4")
            .with("online.canary_share", "0.1");

    assertThatThrownBy(() -> OnlineSettings.trainer(s, model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serving.max_models is 6")
        .hasMessageContaining("up to 8 models");
    assertThat(OnlineSettings.trainer(s.with("serving.max_models", "8"), model)).isNotNull();
  }

  @Test
  void shouldPassTheServingBoundToInference() {
    Settings s = Settings.defaults().with("serving.max_models", "3");

    assertThat(PipelineConfig.from(s).serving().maxModels()).isEqualTo(3);
  }
}
