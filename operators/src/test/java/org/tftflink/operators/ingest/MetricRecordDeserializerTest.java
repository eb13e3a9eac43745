package org.tftflink.operators.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.tftflink.model.event.EventParserConfig;

class MetricRecordDeserializerTest {

  private final MetricRecordDeserializer deserializer =
      new MetricRecordDeserializer(EventParserConfig.forTarget("cpu"), List.of("mem", "disk"));

  private List<IngestRecord> deserialize(byte[] value) {
    List<IngestRecord> out = new ArrayList<>();
    deserializer.deserialize(
        new ConsumerRecord<>("metrics", 2, 41L, null, value),
        new Collector<>() {
          @Override
          public void collect(IngestRecord record) {
            out.add(record);
          }

          @Override
          public void close() {}
        });
    return out;
  }

  @Test
  void shouldProjectAValidEventOntoTargetAndCovariateColumns() {
    byte[] raw =
        "{\"host\":\"web-1\",\"ts\":\"2014-02-14T14:30:00Z\",\"metrics\":{\"cpu\":41.5,\"mem\":63},\"tags\":{\"role\":\"web\",\"cluster\":\"eu\"}}"
            .getBytes(StandardCharsets.UTF_8);

    IngestRecord r = deserialize(raw).get(0);

    assertThat(r.isValid()).isTrue();
    assertThat(r.point.host).isEqualTo("web-1");
    assertThat(r.point.timestampMillis).isEqualTo(1_392_388_200_000L);
    assertThat(r.point.values[0]).isEqualTo(41.5);
    assertThat(r.point.values[1]).isEqualTo(63);
    assertThat(r.point.values[2]).isNaN(); // disk absent: imputed and flagged on the grid
    assertThat(r.point.tags).containsExactly("cluster", "eu", "role", "web");
    assertThat(r.point.raw).isEqualTo(raw);
    assertThat(r.point.partition).isEqualTo(2);
    assertThat(r.point.offset).isEqualTo(41L);
  }

  @Test
  void shouldTurnABadMessageIntoADeadLetterWithItsBytesAndOrigin() {
    byte[] raw = {'{', (byte) 0xC3, (byte) 0x28, '}'};

    IngestRecord r = deserialize(raw).get(0);

    assertThat(r.isValid()).isFalse();
    assertThat(r.deadLetter.reason).isEqualTo("invalid_utf8");
    assertThat(r.deadLetter.payload).isEqualTo(raw);
    assertThat(r.deadLetter.topic).isEqualTo("metrics");
    assertThat(r.deadLetter.offset).isEqualTo(41L);
  }

  @Test
  void shouldTreatATombstoneAsAnEmptyMessage() {
    IngestRecord r = deserialize(null).get(0);

    assertThat(r.deadLetter.reason).isEqualTo("empty");
    assertThat(r.deadLetter.payload).isEmpty();
  }

  @Test
  void shouldKeepOnlyTheFirstBytesOfAHugeMessageInItsDeadLetter() {
    MetricRecordDeserializer bounded =
        new MetricRecordDeserializer(EventParserConfig.forTarget("cpu"), List.of(), 4096);
    byte[] raw = new byte[2_000_342];
    java.util.Arrays.fill(raw, (byte) 'p');
    List<IngestRecord> out = new ArrayList<>();
    bounded.deserialize(
        new ConsumerRecord<>("metrics", 0, 9L, null, raw),
        new Collector<>() {
          @Override
          public void collect(IngestRecord record) {
            out.add(record);
          }

          @Override
          public void close() {}
        });

    DeadLetter letter = out.get(0).deadLetter;
    assertThat(letter.reason).isEqualTo("oversize");
    assertThat(letter.payload).hasSize(4096);
    assertThat(letter.truncated).isTrue();
    assertThat(letter.originalSize).isEqualTo(2_000_342);
    assertThat(letter.originalSha256).hasSize(64);
  }
}
