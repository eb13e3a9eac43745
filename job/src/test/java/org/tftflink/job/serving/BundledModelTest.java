package org.tftflink.job.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * The model the demo ships must load with the current TFT code: a change of the graph (a layer's
 * size, a new block) makes old weights unusable, and the demo would silently serve only the
 * baseline. Retrain it with {@code ./tft train-model --out
 * job/src/main/resources/models/nab-small.tft --seconds 150}.
 */
class BundledModelTest {

  @Test
  void shouldBuildTheBundledDemoModelWithTheCurrentGraph() throws Exception {
    byte[] blob;
    try (InputStream in = getClass().getResourceAsStream("/models/nab-small.tft")) {
      assertThat(in).as("bundled model resource").isNotNull();
      blob = in.readAllBytes();
    }
    ModelData data = ModelDataSerializer.deserialize(blob);
    TftModel model = data.toModel();

    assertThat(model.parameterCount()).isPositive();
    assertThat(model.config().horizon()).isEqualTo(12);
  }
}
