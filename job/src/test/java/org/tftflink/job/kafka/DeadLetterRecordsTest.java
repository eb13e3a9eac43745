package org.tftflink.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tftflink.job.kafka.KafkaTestClients.consumer;
import static org.tftflink.job.kafka.KafkaTestClients.poll;
import static org.tftflink.job.kafka.KafkaTestClients.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tftflink.model.event.DeadLetterReason;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.sink.DeadLetterRecordSerializer;

@ExtendWith(SharedKafka.class)
class DeadLetterRecordsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmbeddedKafka kafka = SharedKafka.broker();

  @Test
  void shouldConvertConsumedDeadLettersWhenPayloadIsTextOrBinary() throws Exception {
    byte[] text = "{\"host\": \"web-1\", \"ts\": \"yesterday\"}".getBytes(StandardCharsets.UTF_8);
    byte[] binary = {'{', (byte) 0xC3, (byte) 0x28, '}'};
    List<ConsumerRecord<byte[], byte[]>> consumed =
        roundTrip(
            deadLetter(
                text,
                "bad_timestamp",
                "field 'ts' = 'yesterday' is neither ISO-8601 nor epoch ms",
                3,
                41L),
            deadLetter(
                binary, "invalid_utf8", "byte 0xC3 at offset 1 starts no valid sequence", 0, 7L));

    JsonNode first = JSON.readTree(DeadLetterRecords.toJsonLine(consumed.get(0)));
    JsonNode second = JSON.readTree(DeadLetterRecords.toJsonLine(consumed.get(1)));

    assertThat(first.get("reason").asText()).isEqualTo("bad_timestamp");
    assertThat(first.get("message").asText()).contains("yesterday");
    assertThat(first.get("source").get("topic").asText()).isEqualTo("metrics");
    assertThat(first.get("source").get("partition").isInt()).isTrue();
    assertThat(first.get("source").get("partition").asInt()).isEqualTo(3);
    assertThat(first.get("source").get("offset").asLong()).isEqualTo(41L);
    assertThat(Base64.getDecoder().decode(first.get("payloadBase64").asText())).isEqualTo(text);
    assertThat(first.get("payload").asText()).isEqualTo(new String(text, StandardCharsets.UTF_8));

    assertThat(second.get("reason").asText()).isEqualTo("invalid_utf8");
    assertThat(Base64.getDecoder().decode(second.get("payloadBase64").asText())).isEqualTo(binary);
    assertThat(second.has("payload")).isFalse();
  }

  @Test
  void shouldWriteOneLineWithExactlyTheSchemaFieldsWhenConverted() throws Exception {
    // written as the job writes it, with every header
    ProducerRecord<byte[], byte[]> written =
        new DeadLetterRecordSerializer("unused")
            .serialize(
                new DeadLetter(
                    DeadLetterReason.EMPTY, "the message is empty", new byte[0], "metrics", 1, 0L),
                null,
                null);
    List<ConsumerRecord<byte[], byte[]>> consumed = roundTrip(written);

    String line = DeadLetterRecords.toJsonLine(consumed.get(0));

    assertThat(line).doesNotContain("\n");
    JsonNode node = JSON.readTree(line);
    assertThat(fieldNames(node))
        .containsExactly("message", "original", "payload", "payloadBase64", "reason", "source");
    assertThat(fieldNames(node.get("source"))).containsExactly("offset", "partition", "topic");
    assertThat(node.get("payload").asText()).isEmpty();
    assertThat(node.at("/original/size").asLong()).isZero();
    assertThat(node.at("/original/truncated").asBoolean()).isFalse();
    assertThat(node.at("/original/sha256").asText())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // The schema in docs/ lists the same fields as required or optional.
    JsonNode schema = JSON.readTree(new java.io.File("../docs/schemas/dead-letter.schema.json"));
    assertThat(fieldNames(schema.get("properties"))).isEqualTo(fieldNames(node));
    assertThat(fieldNames(schema.get("properties").get("source").get("properties")))
        .isEqualTo(fieldNames(node.get("source")));
    assertThat(fieldNames(schema.get("properties").get("original").get("properties")))
        .isEqualTo(fieldNames(node.get("original")));
  }

  @Test
  void shouldRejectRecordWhenReasonHeaderIsMissing() {
    ConsumerRecord<byte[], byte[]> bare =
        new ConsumerRecord<>("metrics-dlq", 0, 5L, null, new byte[] {1});

    assertThatThrownBy(() -> DeadLetterRecords.toJsonLine(bare))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metrics-dlq/0@5")
        .hasMessageContaining("tft.dlq.reason");
  }

  private static ProducerRecord<byte[], byte[]> deadLetter(
      byte[] payload, String reason, String message, int partition, long offset) {
    return new ProducerRecord<byte[], byte[]>(
        "unused",
        null,
        (byte[]) null,
        payload,
        DeadLetterRecords.headers(reason, message, "metrics", partition, offset));
  }

  @SafeVarargs
  private List<ConsumerRecord<byte[], byte[]>> roundTrip(ProducerRecord<byte[], byte[]>... letters)
      throws Exception {
    Topics.Names names = EmbeddedKafkaTest.uniqueNames();
    try (Admin admin = KafkaTestClients.admin(kafka)) {
      Topics.createAll(admin, names);
    }
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka, Map.of());
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, Map.of())) {
      for (ProducerRecord<byte[], byte[]> letter : letters) {
        producer
            .send(
                new ProducerRecord<byte[], byte[]>(
                    names.metricsDlq(), 0, (byte[]) null, letter.value(), letter.headers()))
            .get();
      }
      consumer.subscribe(List.of(names.metricsDlq()));
      List<ConsumerRecord<byte[], byte[]>> records =
          poll(consumer, letters.length, Duration.ofSeconds(15));
      assertThat(records).hasSize(letters.length);
      return records;
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }
}
