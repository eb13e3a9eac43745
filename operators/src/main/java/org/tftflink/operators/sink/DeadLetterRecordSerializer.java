package org.tftflink.operators.sink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.tftflink.operators.ingest.DeadLetter;

/**
 * Writes a dead letter as its original bytes (their first {@code maxPayloadBytes} when larger),
 * with the reason, message, source coordinates and the original's size and SHA-256 as headers (the
 * Kafka Connect dead-letter convention), so a consumer can replay, inspect or identify the exact
 * message and every record fits the topic.
 */
public class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  private static final long serialVersionUID = 1L;

  public static final String REASON = "tft.dlq.reason";
  public static final String MESSAGE = "tft.dlq.message";
  public static final String SOURCE_TOPIC = "tft.dlq.source.topic";
  public static final String SOURCE_PARTITION = "tft.dlq.source.partition";
  public static final String SOURCE_OFFSET = "tft.dlq.source.offset";
  public static final String ORIGINAL_SIZE = "tft.dlq.original.size";
  public static final String ORIGINAL_SHA256 = "tft.dlq.original.sha256";
  public static final String TRUNCATED = "tft.dlq.truncated";

  /** Longest {@code tft.dlq.message} header, in characters; longer messages are cut. */
  public static final int MAX_MESSAGE_CHARS = 1_000;

  /**
   * Room for headers and record overhead on top of the payload: the message header is at most 4,000
   * UTF-8 bytes, a topic name 249 characters, the rest a few dozen bytes.
   */
  public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

  private final String topic;
  private final int maxPayloadBytes;

  public DeadLetterRecordSerializer(String topic) {
    this(topic, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public DeadLetterRecordSerializer(String topic, int maxPayloadBytes) {
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException(
          "maxPayloadBytes must be positive, got " + maxPayloadBytes);
    }
    this.topic = topic;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The producer's {@code max.request.size} that lets every record of this serializer through. */
  public static int maxRecordBytes(int maxPayloadBytes) {
    return maxPayloadBytes + RECORD_OVERHEAD_BYTES;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    // bounded again here: late events become dead letters downstream of the source's bound
    DeadLetter bounded = letter.boundedTo(maxPayloadBytes);
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, utf8(bounded.reason));
    headers.add(MESSAGE, utf8(shortened(bounded.message)));
    if (bounded.topic != null) {
      headers.add(SOURCE_TOPIC, utf8(bounded.topic));
      headers.add(SOURCE_PARTITION, utf8(Integer.toString(bounded.partition)));
      headers.add(SOURCE_OFFSET, utf8(Long.toString(bounded.offset)));
    }
    headers.add(ORIGINAL_SIZE, utf8(Integer.toString(bounded.originalSize)));
    headers.add(ORIGINAL_SHA256, utf8(bounded.originalSha256));
    headers.add(TRUNCATED, utf8(Boolean.toString(bounded.truncated)));
    return new ProducerRecord<>(topic, null, null, null, bounded.payload, headers);
  }

  private static String shortened(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int cut = MAX_MESSAGE_CHARS;
    if (Character.isHighSurrogate(message.charAt(cut - 1))) {
      cut--;
    }
    return message.substring(0, cut) + "...";
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
