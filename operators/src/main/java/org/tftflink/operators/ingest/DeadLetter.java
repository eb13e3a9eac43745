package org.tftflink.operators.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.tftflink.model.event.DeadLetterReason;

/**
 * A message that cannot be used, with the reason code of {@link DeadLetterReason}, a human message,
 * the original bytes (or their first bytes, see {@link #boundedTo}) and where it came from. Written
 * to {@code metrics-dlq} with the payload as the record value and the rest as headers. A Flink
 * POJO.
 */
public class DeadLetter {

  /**
   * Default bound on a dead letter's payload: half the 1 MiB that Kafka producers, brokers and
   * topics accept by default, leaving ample room for headers and record overhead.
   */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

  public String reason;
  public String message;
  public byte[] payload;
  public String topic;
  public int partition;
  public long offset;

  /** Size in bytes of the original message (the payload may be a prefix of it). */
  public int originalSize;

  /** SHA-256 of the original message's bytes, lowercase hex; null until computed. */
  public String originalSha256;

  /** Whether {@link #payload} holds only the first bytes of the original message. */
  public boolean truncated;

  public DeadLetter() {}

  public DeadLetter(
      DeadLetterReason reason,
      String message,
      byte[] payload,
      String topic,
      int partition,
      long offset) {
    this.reason = reason.code();
    this.message = message;
    this.payload = payload == null ? new byte[0] : payload;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.originalSize = this.payload.length;
    this.originalSha256 = sha256Hex(this.payload);
  }

  /**
   * This letter if its payload holds at most {@code maxPayloadBytes}, else a copy whose payload is
   * the first bytes of the original (cut before a UTF-8 continuation byte, so that a text stays
   * text) and that records the original's size and SHA-256: a dead letter must always fit its
   * topic, or the sink fails and the job restarts on the same message forever.
   */
  public DeadLetter boundedTo(int maxPayloadBytes) {
    byte[] bytes = payload == null ? new byte[0] : payload;
    if (originalSha256 == null) {
      originalSize = bytes.length;
      originalSha256 = sha256Hex(bytes);
    }
    if (bytes.length <= maxPayloadBytes) {
      return this;
    }
    int cut = maxPayloadBytes;
    // step back over at most 3 continuation bytes (10xxxxxx) to a character boundary
    while (cut > 0 && cut > maxPayloadBytes - 4 && (bytes[cut] & 0xC0) == 0x80) {
      cut--;
    }
    DeadLetter copy = new DeadLetter();
    copy.reason = reason;
    copy.message = message;
    copy.payload = Arrays.copyOf(bytes, cut);
    copy.topic = topic;
    copy.partition = partition;
    copy.offset = offset;
    copy.originalSize = originalSize;
    copy.originalSha256 = originalSha256;
    copy.truncated = true;
    return copy;
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
