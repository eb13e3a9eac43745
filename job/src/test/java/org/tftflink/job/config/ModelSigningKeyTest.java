package org.tftflink.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelSignature;

class ModelSigningKeyTest {

  private static final String KEY = "0123456789abcdef0123456789abcdef";

  @Test
  void shouldReadTheKeyFileWithoutItsTrailingNewlineBeforeTheEnvironment(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("k");
    Files.writeString(file, KEY + "\n");
    Settings s = Settings.defaults().with(Options.SERVING_SIGNING_KEY_FILE, file.toString());

    assertThat(ModelSigningKey.load(s, Map.of(ModelSigningKey.ENV, "x".repeat(40))))
        .hasValueSatisfying(k -> assertThat(k).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldTakeTheKeyFromTheEnvironmentWhenNoFileIsConfigured() {
    assertThat(ModelSigningKey.load(Settings.defaults(), Map.of(ModelSigningKey.ENV, KEY)))
        .hasValueSatisfying(k -> assertThat(k).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8)));
    assertThat(ModelSigningKey.load(Settings.defaults(), Map.of())).isEmpty();
  }

  @Test
  void shouldRefuseToRequireSignaturesWithoutAKey() {
    Settings s = Settings.defaults().with("serving.require_signature", "true");

    assertThatThrownBy(() -> ModelSigningKey.policy(s, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serving.signing_key_file");
  }

  @Test
  void shouldRejectAnUnsignedModelWhenRequiredWithAKeyFromTheEnvironment() {
    Settings s = Settings.defaults().with("serving.require_signature", "true");
    var policy = ModelSigningKey.policy(s, Map.of(ModelSigningKey.ENV, KEY));
    byte[] envelope = {1, 2, 3};

    assertThatThrownBy(() -> policy.envelopeToLoad(envelope))
        .isInstanceOf(InvalidModelDataException.class);
    assertThat(
            policy.envelopeToLoad(
                ModelSignature.sign(envelope, KEY.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(envelope);
  }

  @Test
  void shouldRejectAValueOtherThanTrueOrFalse() {
    assertThatThrownBy(() -> Settings.defaults().with("serving.require_signature", "yes"))
        .hasMessageContaining("serving.require_signature");
  }
}
