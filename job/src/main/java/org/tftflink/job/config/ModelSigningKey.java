package org.tftflink.job.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.tftflink.model.tft.envelope.SignaturePolicy;

/**
 * The model signing key, from the file named by {@code serving.signing_key_file} or else the
 * environment variable {@value #ENV}; never from an argument, which {@code ps} would show.
 */
public final class ModelSigningKey {

  /** The environment variable holding the key when no key file is configured. */
  public static final String ENV = "TFT_MODEL_SIGNING_KEY";

  private ModelSigningKey() {}

  /** The configured key, if any (file first, then {@value #ENV}). */
  public static Optional<byte[]> load(Settings settings) {
    return load(settings, System.getenv());
  }

  static Optional<byte[]> load(Settings settings, Map<String, String> env) {
    String file = settings.get(Options.SERVING_SIGNING_KEY_FILE);
    if (!file.isBlank()) {
      try {
        return Optional.of(withoutTrailingNewline(Files.readAllBytes(Path.of(file))));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "option " + Options.SERVING_SIGNING_KEY_FILE.name() + ": cannot read " + file, e);
      }
    }
    String value = env.get(ENV);
    return value == null || value.isEmpty()
        ? Optional.empty()
        : Optional.of(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The job's policy: {@code serving.require_signature} with the configured key. */
  public static SignaturePolicy policy(Settings settings) {
    return policy(settings, System.getenv());
  }

  static SignaturePolicy policy(Settings settings, Map<String, String> env) {
    return SignaturePolicy.of(
        settings.get(Options.SERVING_REQUIRE_SIGNATURE), load(settings, env).orElse(null));
  }

  // a key file written with echo ends in a newline that is not part of the key
  private static byte[] withoutTrailingNewline(byte[] b) {
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
      n--;
    }
    return Arrays.copyOf(b, n);
  }
}
