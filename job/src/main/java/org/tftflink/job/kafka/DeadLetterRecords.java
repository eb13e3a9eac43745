package org.tftflink.job.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.tftflink.operators.sink.DeadLetterRecordSerializer;

/**
 * The dead-letter format: in Kafka the original bytes with the reason and source in headers; on
 * disk one JSON line per record (schema: {@code docs/schemas/dead-letter.schema.json}).
 */
public final class DeadLetterRecords {

  public static final String HEADER_REASON = DeadLetterRecordSerializer.REASON;
  public static final String HEADER_MESSAGE = DeadLetterRecordSerializer.MESSAGE;
  public static final String HEADER_SOURCE_TOPIC = DeadLetterRecordSerializer.SOURCE_TOPIC;
  public static final String HEADER_SOURCE_PARTITION = DeadLetterRecordSerializer.SOURCE_PARTITION;
  public static final String HEADER_SOURCE_OFFSET = DeadLetterRecordSerializer.SOURCE_OFFSET;
  public static final String HEADER_ORIGINAL_SIZE = DeadLetterRecordSerializer.ORIGINAL_SIZE;
  public static final String HEADER_ORIGINAL_SHA256 = DeadLetterRecordSerializer.ORIGINAL_SHA256;
  public static final String HEADER_TRUNCATED = DeadLetterRecordSerializer.TRUNCATED;

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetterRecords() {}

  /** The headers of a dead letter (UTF-8 strings), in the order the JSON line lists them. */
  public static List<Header> headers(
      String reasonCode,
      String message,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset) {
    return List.of(
        header(HEADER_REASON, reasonCode),
        header(HEADER_MESSAGE, message),
        header(HEADER_SOURCE_TOPIC, sourceTopic),
        header(HEADER_SOURCE_PARTITION, Integer.toString(sourcePartition)),
        header(HEADER_SOURCE_OFFSET, Long.toString(sourceOffset)));
  }

  /**
   * Converts a record consumed from the dead-letter topic into its JSON line (without the newline):
   * {@code reason}, {@code message}, {@code source}, {@code payloadBase64}, {@code payload} when
   * the bytes are valid UTF-8, and {@code original} (size, SHA-256, truncated) when the record
   * carries those headers (dead letters written before they existed do not).
   *
   * @throws IllegalArgumentException when a header is missing or not a number where one is expected
   */
  public static String toJsonLine(ConsumerRecord<byte[], byte[]> dlqRecord) {
    byte[] payload = dlqRecord.value() == null ? new byte[0] : dlqRecord.value();
    ObjectNode line = JSON.createObjectNode();
    line.put("reason", requiredHeader(dlqRecord, HEADER_REASON));
    line.put("message", requiredHeader(dlqRecord, HEADER_MESSAGE));
    ObjectNode source = line.putObject("source");
    source.put("topic", requiredHeader(dlqRecord, HEADER_SOURCE_TOPIC));
    source.put("partition", (int) number(dlqRecord, HEADER_SOURCE_PARTITION));
    source.put("offset", number(dlqRecord, HEADER_SOURCE_OFFSET));
    line.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
    decodeUtf8(payload).ifPresent(text -> line.put("payload", text));
    if (dlqRecord.headers().lastHeader(HEADER_ORIGINAL_SHA256) != null) {
      ObjectNode original = line.putObject("original");
      original.put("size", number(dlqRecord, HEADER_ORIGINAL_SIZE));
      original.put("sha256", requiredHeader(dlqRecord, HEADER_ORIGINAL_SHA256));
      original.put("truncated", Boolean.parseBoolean(requiredHeader(dlqRecord, HEADER_TRUNCATED)));
    }
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode the dead letter at " + where(dlqRecord), e);
    }
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String requiredHeader(ConsumerRecord<byte[], byte[]> dlqRecord, String key) {
    Header header = dlqRecord.headers().lastHeader(key);
    if (header == null || header.value() == null) {
      throw new IllegalArgumentException(
          "The dead letter at "
              + where(dlqRecord)
              + " has no header '"
              + key
              + "'; was it written by the tft-flink job?");
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static long number(ConsumerRecord<byte[], byte[]> dlqRecord, String key) {
    String text = requiredHeader(dlqRecord, key);
    try {
      long value = Long.parseLong(text);
      if (value < 0 || (HEADER_SOURCE_PARTITION.equals(key) && value > Integer.MAX_VALUE)) {
        throw new NumberFormatException("out of range");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "The dead letter at "
              + where(dlqRecord)
              + " has header '"
              + key
              + "' = '"
              + text
              + "', expected a non-negative integer",
          e);
    }
  }

  private static Optional<String> decodeUtf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String where(ConsumerRecord<?, ?> dlqRecord) {
    return dlqRecord.topic() + "/" + dlqRecord.partition() + "@" + dlqRecord.offset();
  }
}
