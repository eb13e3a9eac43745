package org.tftflink.model.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Randomly damaged messages never make the parser throw, and whatever it accepts is sound. */
class EventParserFuzzTest {

  private static final Instant NOW = Instant.parse("2014-02-15T00:00:00Z");
  private static final EventParser PARSER =
      new EventParser(
          EventParserConfig.forTarget("cpu").withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
  private static final byte[] SEED =
      ("{\"host\": \"wéb-17\", \"ts\": \"2014-02-14T14:30:00.5+01:00\", \"metrics\": {\"cpu\":"
              + " 41.2, \"mem\": -6.3e1, \"n\": 7}, \"tags\": {\"cluster\": \"eu-1\"}, \"x\": [null,"
              + " {}]}")
          .getBytes(UTF_8);
  private static final byte[] ALPHABET =
      "{}[]:,\"\\ 0123456789.eE+-NaInfityrulsZT\u00e9".getBytes(UTF_8);

  @Test
  void shouldNeverThrowAndOnlyAcceptSoundEventsWhenMessagesAreDamaged() {
    Random random = new Random(2014);
    int valid = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] message = mutate(SEED, random, 1 + random.nextInt(4));

      ParseResult result = PARSER.parse(message);

      assertThat(result).isNotNull();
      if (result instanceof ParseResult.Valid ok) {
        valid++;
        assertSound(ok.event());
      } else {
        ParseResult.Invalid invalid = (ParseResult.Invalid) result;
        assertThat(invalid.reason()).isNotNull();
        assertThat(invalid.message()).isNotBlank().hasSizeLessThan(400);
        // the catch-all for unexpected exceptions must stay unused: reaching it means a parser bug
        assertThat(invalid.message())
            .as(new String(message, UTF_8))
            .doesNotStartWith("message could not be read");
      }
    }
    // the mutations must leave some messages valid, or the soundness checks above proved nothing
    assertThat(valid).isGreaterThan(1_000);
  }

  private static void assertSound(MetricEvent event) {
    assertThat(event.host()).isNotBlank().hasSizeLessThanOrEqualTo(253);
    assertThat(event.timestampMillis())
        .isBetween(EventDraft.MIN_TIMESTAMP_MILLIS, NOW.plus(Duration.ofDays(1)).toEpochMilli());
    assertThat(event.metrics()).containsKey("cpu").hasSizeLessThanOrEqualTo(64);
    assertThat(event.metrics().values()).allMatch(Double::isFinite);
    assertThat(event.tags()).hasSizeLessThanOrEqualTo(64);
  }

  private static byte[] mutate(byte[] seed, Random random, int edits) {
    byte[] out = Arrays.copyOf(seed, seed.length);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(out.length);
      switch (random.nextInt(5)) {
        case 0 -> out[at] = (byte) random.nextInt(256);
        case 1 -> out[at] = ALPHABET[random.nextInt(ALPHABET.length)];
        case 2 -> out = Arrays.copyOf(out, Math.max(1, at)); // truncate
        case 3 -> { // delete one byte
          byte[] shorter = new byte[out.length - 1];
          System.arraycopy(out, 0, shorter, 0, at);
          System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
          out = shorter.length == 0 ? out : shorter;
        }
        default -> { // insert one byte
          byte[] longer = new byte[out.length + 1];
          System.arraycopy(out, 0, longer, 0, at);
          longer[at] = ALPHABET[random.nextInt(ALPHABET.length)];
          System.arraycopy(out, at, longer, at + 1, out.length - at);
          out = longer;
        }
      }
    }
    return out;
  }
}
