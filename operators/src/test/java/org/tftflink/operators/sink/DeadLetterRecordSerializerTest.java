package org.tftflink.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.tftflink.model.event.DeadLetterReason;
import org.tftflink.operators.ingest.DeadLetter;

class DeadLetterRecordSerializerTest {

  private static final int BOUND = 1024;

  private final DeadLetterRecordSerializer serializer =
      new DeadLetterRecordSerializer("metrics-dlq", BOUND);

  @Test
  void shouldKeepAPayloadWithinTheBoundWholeAndSayItIsNotTruncated() throws Exception {
    byte[] raw = "not json".getBytes(StandardCharsets.UTF_8);

    ProducerRecord<byte[], byte[]> r = serializer.serialize(letter(raw), null, null);

    assertThat(r.value()).isEqualTo(raw);
    assertThat(header(r, DeadLetterRecordSerializer.TRUNCATED)).isEqualTo("false");
    assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SIZE)).isEqualTo("8");
    assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SHA256)).isEqualTo(sha256(raw));
  }

  @Test
  void shouldCutAPayloadPastTheBoundAndKeepTheOriginalSizeAndHash() throws Exception {
    byte[] raw = new byte[10_000_000];
    Arrays.fill(raw, (byte) 'p');

    ProducerRecord<byte[], byte[]> r = serializer.serialize(letter(raw), null, null);

    assertThat(r.value()).hasSize(BOUND).isEqualTo(Arrays.copyOf(raw, BOUND));
    assertThat(header(r, DeadLetterRecordSerializer.TRUNCATED)).isEqualTo("true");
    assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SIZE)).isEqualTo("10000000");
    assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SHA256)).isEqualTo(sha256(raw));
    assertThat(header(r, DeadLetterRecordSerializer.REASON)).isEqualTo("oversize");
  }

  @Test
  void shouldCutBeforeAMultiByteCharacterSoThatTextStaysValidUtf8() {
    // 1023 ASCII bytes then a 3-byte character straddling the bound
    String text = "a".repeat(BOUND - 1) + "\u20ac" + "b".repeat(100);
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);

    ProducerRecord<byte[], byte[]> r = serializer.serialize(letter(raw), null, null);

    assertThat(r.value()).hasSize(BOUND - 1);
    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("a".repeat(BOUND - 1));
  }

  @Test
  void shouldBoundALongMessageHeader() {
    DeadLetter letter =
        new DeadLetter(DeadLetterReason.LATE, "x".repeat(50_000), new byte[1], "metrics", 0, 1);

    ProducerRecord<byte[], byte[]> r = serializer.serialize(letter, null, null);

    assertThat(header(r, DeadLetterRecordSerializer.MESSAGE))
        .hasSize(DeadLetterRecordSerializer.MAX_MESSAGE_CHARS + 3);
  }

  @Test
  void shouldNotRecomputeTheHashOfAnAlreadyTruncatedLetter() throws Exception {
    byte[] raw = new byte[5_000];
    DeadLetter bounded = letter(raw).boundedTo(BOUND);

    ProducerRecord<byte[], byte[]> r = serializer.serialize(bounded, null, null);

    assertThat(r.value()).hasSize(BOUND);
    assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SIZE)).isEqualTo("5000");
    assertThat(header(r, DeadLetterRecordSerializer.ORIGINAL_SHA256)).isEqualTo(sha256(raw));
  }

  private static DeadLetter letter(byte[] raw) {
    return new DeadLetter(DeadLetterReason.OVERSIZE, "too big", raw, "metrics", 2, 7L);
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] raw) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
  }
}
