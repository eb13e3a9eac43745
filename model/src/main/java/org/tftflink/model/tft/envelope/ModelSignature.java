package org.tftflink.model.tft.envelope;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of model envelopes. A signed model message wraps the unchanged envelope:
 * magic {@code "TFTS"}, wrapper format version, the 32-byte HMAC-SHA256 of the envelope bytes, then
 * the envelope; so that write access to the model topic alone cannot inject a model, while unsigned
 * envelopes stay readable as they are.
 */
public final class ModelSignature {

  /** Magic of a signed model message, {@code "TFTS"}. */
  public static final int SIGNED_MAGIC = 0x54465453;

  /** Current wrapper format; readers reject any other. */
  public static final int SIGNED_FORMAT_VERSION = 1;

  /** Shortest accepted key: HMAC-SHA256's own output size. */
  public static final int MIN_KEY_BYTES = 32;

  private static final int MAC_BYTES = 32;
  private static final int HEADER_BYTES = 4 + 4 + MAC_BYTES;
  private static final String ALGORITHM = "HmacSHA256";

  private ModelSignature() {}

  /** The signed message of {@code envelope} under {@code key}. */
  public static byte[] sign(byte[] envelope, byte[] key) {
    if (isSigned(envelope)) {
      throw new IllegalArgumentException("the model message is signed already");
    }
    return ByteBuffer.allocate(HEADER_BYTES + envelope.length)
        .putInt(SIGNED_MAGIC)
        .putInt(SIGNED_FORMAT_VERSION)
        .put(hmac(envelope, key))
        .put(envelope)
        .array();
  }

  /** Whether {@code blob} starts like a signed model message. */
  public static boolean isSigned(byte[] blob) {
    return blob != null && blob.length >= 4 && ByteBuffer.wrap(blob).getInt() == SIGNED_MAGIC;
  }

  /**
   * The envelope inside a signed message (its signature NOT checked), or {@code blob} itself when
   * it is not signed: for tools that only read a model.
   *
   * @throws InvalidModelDataException if a signed message's wrapper is truncated or of another
   *     format
   */
  public static byte[] envelopeOf(byte[] blob) {
    if (!isSigned(blob)) {
      return blob;
    }
    checkWrapper(blob);
    return Arrays.copyOfRange(blob, HEADER_BYTES, blob.length);
  }

  /**
   * The envelope of a signed message whose signature {@code key} verifies.
   *
   * @throws InvalidModelDataException if the message is unsigned, its wrapper broken, or its
   *     signature not made with {@code key}
   */
  public static byte[] verified(byte[] blob, byte[] key) {
    if (!isSigned(blob)) {
      throw new InvalidModelDataException(
          "the model message is not signed, and serving requires a signature");
    }
    checkWrapper(blob);
    byte[] envelope = Arrays.copyOfRange(blob, HEADER_BYTES, blob.length);
    byte[] stored = Arrays.copyOfRange(blob, 8, HEADER_BYTES);
    if (!MessageDigest.isEqual(stored, hmac(envelope, key))) {
      throw new InvalidModelDataException(
          "the model message's HMAC-SHA256 signature does not verify with the configured key"
              + " (signed with another key, or altered)");
    }
    return envelope;
  }

  private static void checkWrapper(byte[] blob) {
    if (blob.length < HEADER_BYTES) {
      throw new InvalidModelDataException(
          "signed model message is truncated (" + blob.length + " bytes)");
    }
    int format = ByteBuffer.wrap(blob, 4, 4).getInt();
    if (format != SIGNED_FORMAT_VERSION) {
      throw new InvalidModelDataException(
          "unsupported signed model message format version "
              + format
              + " (this reader: "
              + SIGNED_FORMAT_VERSION
              + ")");
    }
  }

  static byte[] hmac(byte[] data, byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a model signing key must have at least "
              + MIN_KEY_BYTES
              + " bytes, got "
              + (key == null ? 0 : key.length));
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime provides " + ALGORITHM, e);
    }
  }
}
