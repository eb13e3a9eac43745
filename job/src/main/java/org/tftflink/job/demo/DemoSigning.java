package org.tftflink.job.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.tftflink.job.config.ModelSigningKey;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.model.tft.envelope.ModelSignature;

/**
 * The demo signs the model it publishes, as production would: with the configured key, or else a
 * random key of its own (64 hex digits) written (owner-only) to the run's state directory and
 * handed to the job through {@code serving.signing_key_file}.
 */
record DemoSigning(Settings settings, byte[] key, boolean ownKey) {

  static DemoSigning prepare(Settings settings, Path stateDir) throws IOException {
    Optional<byte[]> configured = ModelSigningKey.load(settings);
    if (configured.isPresent()) {
      return new DemoSigning(settings, configured.get(), false);
    }
    // the key is the file's bytes, less a trailing newline (ModelSigningKey): random bytes written
    // as they are ended in \n or \r in 2 runs of 256, and the job then read a 31-byte key and
    // refused to start; hex digits (a key of 64 bytes) cannot end in one
    byte[] random = new byte[ModelSignature.MIN_KEY_BYTES];
    new SecureRandom().nextBytes(random);
    byte[] key = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
    Files.createDirectories(stateDir);
    Path file = stateDir.resolve("model-signing.key");
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, key);
    return new DemoSigning(
        settings.with(Options.SERVING_SIGNING_KEY_FILE, file.toString()), key, true);
  }

  /** {@code model} (an envelope, or a message signed with another key) signed with the key. */
  byte[] sign(byte[] model) {
    return ModelSignature.sign(ModelSignature.envelopeOf(model), key);
  }

  String describe() {
    return ownKey
        ? "signed with a key of this run (serving.signing_key_file="
            + settings.get(Options.SERVING_SIGNING_KEY_FILE)
            + ")"
        : "signed with the configured key";
  }
}
