package org.tftflink.model.tft.envelope;

import java.io.Serializable;

/**
 * Which model messages a job accepts: with {@code required}, only messages signed with {@code key}
 * (the production setting); without, unsigned messages too, while a signed one must still verify
 * when a key is known.
 */
public final class SignaturePolicy implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final SignaturePolicy NONE = new SignaturePolicy(false, null);

  private final boolean required;
  private final byte[] key;

  private SignaturePolicy(boolean required, byte[] key) {
    this.required = required;
    this.key = key == null ? null : key.clone();
  }

  /** Accepts unsigned messages; signed ones are read without a check. */
  public static SignaturePolicy none() {
    return NONE;
  }

  /**
   * @param required whether unsigned messages are rejected
   * @param key the HMAC key, at least {@link ModelSignature#MIN_KEY_BYTES}; null when none is
   *     configured (then {@code required} must be false)
   */
  public static SignaturePolicy of(boolean required, byte[] key) {
    if (required && key == null) {
      throw new IllegalArgumentException(
          "requiring signed models needs a signing key (serving.signing_key_file or the"
              + " environment variable TFT_MODEL_SIGNING_KEY)");
    }
    if (key != null && key.length < ModelSignature.MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the model signing key has "
              + key.length
              + " bytes; it needs at least "
              + ModelSignature.MIN_KEY_BYTES);
    }
    return new SignaturePolicy(required, key);
  }

  public boolean required() {
    return required;
  }

  /**
   * The envelope to load from a model message.
   *
   * @throws InvalidModelDataException if the policy refuses the message (unsigned while required,
   *     or a signature the key does not verify)
   */
  public byte[] envelopeToLoad(byte[] message) {
    if (ModelSignature.isSigned(message)) {
      return key == null
          ? ModelSignature.envelopeOf(message)
          : ModelSignature.verified(message, key);
    }
    if (required) {
      throw new InvalidModelDataException(
          "the model message is not signed, and serving.require_signature is true");
    }
    return message;
  }
}
