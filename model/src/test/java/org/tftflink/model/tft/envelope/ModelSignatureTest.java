package org.tftflink.model.tft.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelSignatureTest {

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ENVELOPE = "any envelope bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldReturnTheEnvelopeOfAMessageSignedWithTheKey() {
    byte[] signed = ModelSignature.sign(ENVELOPE, KEY);

    assertThat(ModelSignature.isSigned(signed)).isTrue();
    assertThat(ModelSignature.verified(signed, KEY)).isEqualTo(ENVELOPE);
    assertThat(ModelSignature.envelopeOf(signed)).isEqualTo(ENVELOPE);
    assertThat(ModelSignature.envelopeOf(ENVELOPE)).isSameAs(ENVELOPE);
  }

  @Test
  void shouldRejectAMessageSignedWithAnotherKeyOrAltered() {
    byte[] other = ModelSignature.sign(ENVELOPE, "x".repeat(32).getBytes(StandardCharsets.UTF_8));
    byte[] altered = ModelSignature.sign(ENVELOPE, KEY);
    altered[altered.length - 1] ^= 0x01;

    assertThatThrownBy(() -> ModelSignature.verified(other, KEY))
        .isInstanceOf(InvalidModelDataException.class)
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> ModelSignature.verified(altered, KEY))
        .isInstanceOf(InvalidModelDataException.class);
  }

  @Test
  void shouldRejectAnUnsignedMessageWhenASignatureIsRequired() {
    assertThatThrownBy(() -> SignaturePolicy.of(true, KEY).envelopeToLoad(ENVELOPE))
        .isInstanceOf(InvalidModelDataException.class)
        .hasMessageContaining("not signed");
    assertThat(SignaturePolicy.of(false, KEY).envelopeToLoad(ENVELOPE)).isEqualTo(ENVELOPE);
  }

  @Test
  void shouldRefuseAShortKeyOrARequirementWithoutAKey() {
    assertThatThrownBy(() -> ModelSignature.sign(ENVELOPE, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> SignaturePolicy.of(true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TFT_MODEL_SIGNING_KEY");
  }

  @Test
  void shouldReadTheModelInsideASignedMessage() {
    byte[] signed = ModelSignature.sign(ModelDataSerializer.serialize(tinyModelData()), KEY);

    assertThat(ModelDataSerializer.deserialize(signed).modelVersion()).isEqualTo(3);
  }

  @Test
  void shouldRejectASignedMessageOfAnotherWrapperFormat() {
    byte[] signed = ModelSignature.sign(ENVELOPE, KEY);
    signed[7] = 9;

    assertThatThrownBy(() -> ModelSignature.envelopeOf(signed))
        .isInstanceOf(InvalidModelDataException.class)
        .hasMessageContaining("format version 9");
  }

  private static ModelData tinyModelData() {
    return new ModelData(
        3,
        1,
        2,
        ModelData.NONE,
        0,
        java.util.Map.of(),
        java.util.Map.of(),
        org.tftflink.model.tft.TftConfig.builder()
            .hiddenSize(4)
            .attentionHeads(1)
            .hiddenContinuousSize(2)
            .encoderLength(6)
            .horizon(3)
            .observedReals(1)
            .knownReals(2)
            .staticCategoricals(1)
            .hashBuckets(8)
            .staticReals(0)
            .build(),
        new byte[] {1, 2, 3});
  }
}
