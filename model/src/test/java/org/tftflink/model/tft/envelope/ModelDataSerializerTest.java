package org.tftflink.model.tft.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.FeatureScaler;

/** Round trip and rejection of the model envelope. */
class ModelDataSerializerTest {
  private final TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();
  private final List<TftWindow> windows = TestWindows.windows(config, 5, 1);
  private final TftModel model = TftModel.create(config, FeatureScaler.fit(config, windows));
  private final ModelData data =
      ModelData.of(
          model,
          12,
          3,
          11,
          ModelData.NONE,
          1_392_388_200_000L,
          Map.of("loss", 0.25, "samples", 4096.0),
          Map.of("loss", 0.3));

  @Test
  void shouldRoundTripExactlyWhenSerialized() {
    ModelData back = ModelDataSerializer.deserialize(ModelDataSerializer.serialize(data));

    assertThat(back).isEqualTo(data);
    assertThat(back.modelVersion()).isEqualTo(12);
    assertThat(back.epoch()).isEqualTo(3);
    assertThat(back.parentVersion()).isEqualTo(11);
    assertThat(back.restoredFrom()).isEqualTo(ModelData.NONE);
    assertThat(back.createdAtMs()).isEqualTo(1_392_388_200_000L);
    assertThat(back.trainingFigures()).containsEntry("samples", 4096.0);
    assertThat(back.config()).isEqualTo(config);
    assertThat(back.weightsSha256()).isEqualTo(data.weightsSha256());
  }

  @Test
  void shouldGiveIdenticalForecastsWhenLoadedFromEnvelope() {
    TftModel loaded =
        ModelDataSerializer.deserialize(ModelDataSerializer.serialize(data)).toModel();

    for (int i = 0; i < windows.size(); i++) {
      assertThat(loaded.predict(windows).get(i).values())
          .isDeepEqualTo(model.predict(windows).get(i).values());
    }
  }

  @Test
  void shouldRejectBlobWhenAnyByteIsCorrupted() {
    byte[] blob = ModelDataSerializer.serialize(data);
    for (int pos : new int[] {10, 60, blob.length / 2, blob.length - 20, blob.length - 1}) {
      byte[] bad = blob.clone();
      bad[pos] ^= 0x40;
      assertThatThrownBy(() -> ModelDataSerializer.deserialize(bad))
          .isInstanceOf(InvalidModelDataException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void shouldRejectBlobWhenTruncated() {
    byte[] blob = ModelDataSerializer.serialize(data);
    for (int len : new int[] {0, 7, 40, blob.length / 2, blob.length - 1}) {
      byte[] cut = Arrays.copyOf(blob, len);
      assertThatThrownBy(() -> ModelDataSerializer.deserialize(cut))
          .isInstanceOf(InvalidModelDataException.class);
    }
  }

  @Test
  void shouldRejectBlobWhenFormatVersionIsUnknown() {
    byte[] blob = ModelDataSerializer.serialize(data);
    blob[7] = 9;
    assertThatThrownBy(() -> ModelDataSerializer.deserialize(blob))
        .isInstanceOf(InvalidModelDataException.class)
        .hasMessageContaining("format version 9");
  }

  @Test
  void shouldRoundTripConfigWhenEncodedAsText() {
    TftConfig reference = TftConfig.reference();
    assertThat(TftConfigCodec.decode(TftConfigCodec.encode(reference))).isEqualTo(reference);
    TftConfig changed = reference.toBuilder().plateauDecay(0.5).targetScaleInputs(false).build();
    assertThat(TftConfigCodec.decode(TftConfigCodec.encode(changed))).isEqualTo(changed);
  }

  @Test
  void shouldReadConfigOfModelsSavedBeforeTheTrainingKeysExisted() {
    TftConfig changed =
        TftConfig.reference().toBuilder().plateauDecay(0.5).targetScaleInputs(false).build();
    String old =
        TftConfigCodec.encode(changed)
            .replaceAll("(?m)^(plateauDecay|targetScaleInputs)=.*\\n", "");

    TftConfig read = TftConfigCodec.decode(old);

    assertThat(old).doesNotContain("plateauDecay").doesNotContain("targetScaleInputs");
    assertThat(read.plateauDecay()).isEqualTo(1.0);
    assertThat(read.targetScaleInputs()).isTrue();
  }
}
