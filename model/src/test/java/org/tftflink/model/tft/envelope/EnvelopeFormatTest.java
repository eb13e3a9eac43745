package org.tftflink.model.tft.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.FeatureScaler;

/** Envelope format 2 (optional optimizer section) and reading format-1 envelopes. */
class EnvelopeFormatTest {
  private static final Path BUNDLED = Path.of("../job/src/main/resources/models/nab-small.tft");

  private final TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();
  private final List<TftWindow> windows = TestWindows.windows(config, 5, 1);
  private final TftModel model = TftModel.create(config, FeatureScaler.fit(config, windows));
  private final ModelData data =
      ModelData.of(model, 4, 2, 3, ModelData.NONE, 1_000L, Map.of("loss", 0.5), Map.of());

  private OptimizerState someState() {
    Map<String, double[]> moments = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, double[]> e : model.parameterValues().entrySet()) {
      double[] m = new double[2 * e.getValue().length];
      for (int j = 0; j < m.length; j++) {
        m[j] = Math.sin(++i) * 1e-3;
      }
      moments.put(e.getKey(), m);
    }
    return new OptimizerState(37, 3e-4, moments);
  }

  @Test
  void shouldReadBundledFormatOneEnvelopeWithoutOptimizerState() throws IOException {
    byte[] blob = Files.readAllBytes(BUNDLED);
    assertThat(ByteBuffer.wrap(blob, 4, 4).getInt()).isEqualTo(1);

    ModelData read = ModelDataSerializer.deserialize(blob);

    assertThat(read.optimizer()).isNull();
    assertThat(read.config().hiddenSize()).isEqualTo(8);
    ModelData again = ModelDataSerializer.deserialize(ModelDataSerializer.serialize(read));
    assertThat(again).isEqualTo(read);
    assertThat(again.weights()).isEqualTo(read.weights());
  }

  @Test
  void shouldWriteFormatTwoAndRoundTripOptimizerState() {
    ModelData withState = data.withOptimizer(someState());
    byte[] blob = ModelDataSerializer.serialize(withState);

    ModelData back = ModelDataSerializer.deserialize(blob);

    assertThat(ByteBuffer.wrap(blob, 4, 4).getInt()).isEqualTo(2);
    assertThat(back).isEqualTo(withState);
    assertThat(back.optimizer().iteration()).isEqualTo(37);
    assertThat(back.optimizer().learningRate()).isEqualTo(3e-4);
    String first = model.parameters().keySet().iterator().next();
    assertThat(back.optimizer().moments().get(first))
        .containsExactly(someState().moments().get(first));
    assertThat(back).isNotEqualTo(data);
  }

  @Test
  void shouldReadFormatOneBlobWrittenByTheOldLayout() {
    // format 1 is format 2 without the optimizer section's length field and with version 1
    byte[] v2 = ModelDataSerializer.serialize(data);
    byte[] body = Arrays.copyOf(v2, v2.length - 8 - 4);
    ByteBuffer.wrap(body).putInt(4, 1);
    CRC32 crc = new CRC32();
    crc.update(body);
    byte[] v1 = ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array();

    ModelData read = ModelDataSerializer.deserialize(v1);

    assertThat(read).isEqualTo(data);
    assertThat(read.optimizer()).isNull();
    assertThat(read.toModel().predict(windows).get(0).values())
        .isDeepEqualTo(model.predict(windows).get(0).values());
  }

  @Test
  void shouldRejectOptimizerSectionWhenItsChecksumFails() {
    byte[] blob = ModelDataSerializer.serialize(data.withOptimizer(someState()));
    blob[blob.length - 100] ^= 0x01;

    assertThatThrownBy(() -> ModelDataSerializer.deserialize(blob))
        .isInstanceOf(InvalidModelDataException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void shouldReadWeightsWithoutBuildingAModel() {
    WeightsCodec.Contents c = WeightsCodec.read(data.weights());

    assertThat(c.scaler()).usingRecursiveComparison().isEqualTo(model.scaler());
    assertThat(c.parameters().keySet()).containsExactlyElementsOf(model.parameters().keySet());
    assertThat(WeightsCodec.encode(c.scaler(), c.parameters())).isEqualTo(data.weights());
  }
}
