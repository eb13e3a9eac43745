package org.tftflink.operators.sink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.tftflink.operators.ingest.DeadLetter;

/**
 * Writes a dead letter as its original bytes, unchanged, with the reason, message and source
 * coordinates as headers (the Kafka Connect dead-letter convention), so a consumer can replay or
 * inspect the exact message.
 */
public class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  private static final long serialVersionUID = 1L;

  public static final String REASON = "tft.dlq.reason";
  public static final String MESSAGE = "tft.dlq.message";
  public static final String SOURCE_TOPIC = "tft.dlq.source.topic";
  public static final String SOURCE_PARTITION = "tft.dlq.source.partition";
  public static final String SOURCE_OFFSET = "tft.dlq.source.offset";

  private final String topic;

  public DeadLetterRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, utf8(letter.reason));
    headers.add(MESSAGE, utf8(letter.message));
    if (letter.topic != null) {
      headers.add(SOURCE_TOPIC, utf8(letter.topic));
      headers.add(SOURCE_PARTITION, utf8(Integer.toString(letter.partition)));
      headers.add(SOURCE_OFFSET, utf8(Long.toString(letter.offset)));
    }
    return new ProducerRecord<>(topic, null, null, null, letter.payload, headers);
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
