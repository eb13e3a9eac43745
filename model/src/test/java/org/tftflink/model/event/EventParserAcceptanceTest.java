package org.tftflink.model.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Good messages become the {@link MetricEvent} they describe, with values and tags intact. */
class EventParserAcceptanceTest {

  private static final Instant NOW = Instant.parse("2014-02-15T00:00:00Z");
  private static final EventParser PARSER =
      new EventParser(
          EventParserConfig.forTarget("cpu").withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
  private static final long T_14_30 = Instant.parse("2014-02-14T14:30:00Z").toEpochMilli();

  private static MetricEvent parseValid(EventParser parser, String json) {
    ParseResult result = parser.parse(json.getBytes(UTF_8));
    assertThat(result).as(String.valueOf(result)).isInstanceOf(ParseResult.Valid.class);
    return ((ParseResult.Valid) result).event();
  }

  private static MetricEvent parseValid(String json) {
    return parseValid(PARSER, json);
  }

  private static String withTs(String tsJson) {
    return "{\"host\":\"web-17\",\"ts\":" + tsJson + ",\"metrics\":{\"cpu\":41.2}}";
  }

  @Test
  void shouldParseTheContractExampleWhenAllFieldsArePresent() {
    MetricEvent event =
        parseValid(
            "{\"host\": \"web-17\", \"ts\": \"2014-02-14T14:30:00Z\", \"metrics\": {\"cpu\": 41.2,"
                + " \"mem\": 63.0}, \"tags\": {\"cluster\": \"eu-1\", \"role\": \"web\"}}");

    assertThat(event)
        .isEqualTo(
            new MetricEvent(
                "web-17",
                T_14_30,
                Map.of("cpu", 41.2, "mem", 63.0),
                Map.of("cluster", "eu-1", "role", "web")));
  }

  @ParameterizedTest(name = "ts {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'\"2014-02-14T14:30:00Z\"'              | 2014-02-14T14:30:00Z",
        "'\"2014-02-14T15:30:00+01:00\"'         | 2014-02-14T14:30:00Z",
        "'\"2014-02-14T09:00:00-05:30\"'         | 2014-02-14T14:30:00Z",
        "'\"2014-02-14T15:30:00+0100\"'          | 2014-02-14T14:30:00Z",
        "'\"2014-02-14T16:30:00+02\"'            | 2014-02-14T14:30:00Z",
        "'\"2014-02-14t14:30:00z\"'              | 2014-02-14T14:30:00Z",
        "'\"2014-02-14T14:30Z\"'                 | 2014-02-14T14:30:00Z",
        "'\"2014-02-14T14:30:00.123456789Z\"'    | 2014-02-14T14:30:00.123Z",
        "'\"2014-02-14T14:30:00,5Z\"'            | 2014-02-14T14:30:00.500Z",
        "'\"2014-02-14T14:30:00\"'               | 2014-02-14T14:30:00Z",
        "'\"2014-02-14 14:30:00\"'               | 2014-02-14T14:30:00Z",
        "'\"2014-02-14 14:30:00.25\"'            | 2014-02-14T14:30:00.250Z",
        "'1392388200000'                         | 2014-02-14T14:30:00Z",
        "'\"1392388200000\"'                     | 2014-02-14T14:30:00Z",
        "'\"2000-01-01T00:00:00Z\"'              | 2000-01-01T00:00:00Z",
        "'\"2014-02-16T00:00:00Z\"'              | 2014-02-16T00:00:00Z",
        "'\"2012-02-29T12:00:00Z\"'              | 2012-02-29T12:00:00Z",
      })
  void shouldReadTimestampWhenFormIsAccepted(String tsJson, String expectedInstant) {
    assertThat(parseValid(withTs(tsJson)).timestampMillis())
        .isEqualTo(Instant.parse(expectedInstant).toEpochMilli());
  }

  @Test
  void shouldIgnoreUnknownFieldsWhateverTheirType() {
    MetricEvent event =
        parseValid(
            "{\"v\":2,\"host\":\"web-17\",\"meta\":{\"a\":[1,{\"b\":null}],\"host\":\"other\"},\"ts\":1392388200000,"
                + "\"list\":[\"x\",NaN],\"flag\":true,\"none\":null,\"metrics\":{\"cpu\":1},\"tail\":\"t\"}");

    assertThat(event.host()).isEqualTo("web-17");
    assertThat(event.metrics()).containsOnlyKeys("cpu");
  }

  @Test
  void shouldGiveEmptyTagsWhenTagsAreAbsentOrNull() {
    assertThat(parseValid(withTs("1392388200000")).tags()).isEmpty();
    assertThat(
            parseValid(
                    "{\"host\":\"a\",\"ts\":1392388200000,\"metrics\":{\"cpu\":1},\"tags\":null}")
                .tags())
        .isEmpty();
    assertThat(
            parseValid("{\"host\":\"a\",\"ts\":1392388200000,\"metrics\":{\"cpu\":1},\"tags\":{}}")
                .tags())
        .isEmpty();
  }

  @Test
  void shouldReadIntegersAndExponentsAsDoublesWhenMetricValuesAreNumbers() {
    MetricEvent event =
        parseValid(
            "{\"host\":\"a\",\"ts\":1392388200000,\"metrics\":{\"cpu\":41,\"mem\":-0.5,\"disk\":1.5e3,\"net\":0,"
                + "\"big\":12345678901234567890,\"tiny\":4.9E-324}}");

    assertThat(event.metrics())
        .containsEntry("cpu", 41.0)
        .containsEntry("mem", -0.5)
        .containsEntry("disk", 1500.0)
        .containsEntry("net", 0.0)
        .containsEntry("big", 1.2345678901234567e19)
        .containsEntry("tiny", Double.MIN_VALUE);
  }

  @Test
  void shouldAcceptNonAsciiTextWhenItIsValidUtf8() {
    MetricEvent event =
        parseValid(
            "{\"host\":\"wéb-17\",\"ts\":1392388200000,\"metrics\":{\"cpu\":1,\"température\":20},\"tags\":{\"dc\":\"東京"
                + " 🚀\"}}");

    assertThat(event.host()).isEqualTo("wéb-17");
    assertThat(event.metrics()).containsEntry("température", 20.0);
    assertThat(event.tags()).containsEntry("dc", "東京 🚀");
  }

  @Test
  void shouldSkipByteOrderMarkWhenMessageStartsWithOne() {
    byte[] body = withTs("1392388200000").getBytes(UTF_8);
    byte[] message = new byte[body.length + 3];
    message[0] = (byte) 0xEF;
    message[1] = (byte) 0xBB;
    message[2] = (byte) 0xBF;
    System.arraycopy(body, 0, message, 3, body.length);

    assertThat(PARSER.parse(message)).isInstanceOf(ParseResult.Valid.class);
  }

  @Test
  void shouldAcceptInputsExactlyAtTheConfiguredLimits() {
    String host = "h".repeat(EventParserConfig.DEFAULT_MAX_HOST_LENGTH);
    String metrics =
        IntStream.range(1, 64)
            .mapToObj(i -> "\"m" + i + "\":" + i)
            .collect(Collectors.joining(",", "{\"cpu\":0,", "}"));
    String tags =
        IntStream.range(0, 64)
            .mapToObj(i -> "\"t" + i + "\":\"v\"")
            .collect(Collectors.joining(",", "{", "}"));
    String json =
        "{\"host\":\""
            + host
            + "\",\"ts\":1392388200000,\"metrics\":"
            + metrics
            + ",\"tags\":"
            + tags
            + ",\"pad\":\"";
    String padded =
        json + "x".repeat(EventParserConfig.DEFAULT_MAX_MESSAGE_BYTES - json.length() - 2) + "\"}";

    MetricEvent event = parseValid(padded);

    assertThat(padded.getBytes(UTF_8)).hasSize(EventParserConfig.DEFAULT_MAX_MESSAGE_BYTES);
    assertThat(event.metrics()).hasSize(64);
    assertThat(event.tags()).hasSize(64);
  }

  @Test
  void shouldRoundTripValuesAndTagsWhenEventsAreWrittenByJackson() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      Map<String, Object> message = new LinkedHashMap<>();
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("cpu", randomDouble(random));
      for (int m = 0; m < random.nextInt(10); m++) {
        metrics.put("metric_" + m, randomDouble(random));
      }
      Map<String, String> tags = new LinkedHashMap<>();
      for (int t = 0; t < random.nextInt(5); t++) {
        tags.put("tag" + t, "value \"" + random.nextInt() + "\" \\ é\n");
      }
      long ts =
          EventDraft.MIN_TIMESTAMP_MILLIS
              + (long)
                  (random.nextDouble() * (NOW.toEpochMilli() - EventDraft.MIN_TIMESTAMP_MILLIS));
      message.put("host", "host-" + i);
      message.put("ts", random.nextBoolean() ? (Object) ts : Instant.ofEpochMilli(ts).toString());
      message.put("metrics", metrics);
      message.put("tags", tags);

      MetricEvent event = parseValid(mapper.writeValueAsString(message));

      assertThat(event).isEqualTo(new MetricEvent("host-" + i, ts, metrics, tags));
    }
  }

  private static double randomDouble(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextGaussian() * 100;
      case 1 -> random.nextInt(1000);
      case 2 ->
          Double.longBitsToDouble(
              random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL); // any finite positive
      default -> -random.nextDouble() * 1e-300;
    };
  }

  @Test
  void shouldUseTheConfiguredTargetWhenItIsNotCpu() {
    EventParser memParser =
        new EventParser(
            EventParserConfig.forTarget("mem").withClock(Clock.fixed(NOW, ZoneOffset.UTC)));

    assertThat(
            parseValid(memParser, "{\"host\":\"a\",\"ts\":1392388200000,\"metrics\":{\"mem\":1}}")
                .value("mem"))
        .isEqualTo(1.0);
    assertThat(
            ((ParseResult.Invalid) memParser.parse(withTs("1392388200000").getBytes(UTF_8)))
                .reason())
        .isEqualTo(DeadLetterReason.MISSING_TARGET);
  }

  @Test
  void shouldGiveTheSameResultsWhenSharedAcrossThreads() throws Exception {
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      messages.add(
          (i % 3 == 0
                  ? "{\"host\":\"h" + i + "\",\"ts\":\"bad" + i + "\",\"metrics\":{\"cpu\":1}}"
                  : "{\"host\":\"h"
                      + i
                      + "\",\"ts\":"
                      + (1392388200000L + i)
                      + ",\"metrics\":{\"cpu\":"
                      + i
                      + ",\"m"
                      + i
                      + "\":1}}")
              .getBytes(UTF_8));
    }
    List<ParseResult> expected = messages.stream().map(PARSER::parse).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<ParseResult>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> messages.stream().map(PARSER::parse).toList()));
      }
      for (Future<List<ParseResult>> future : futures) {
        assertThat(future.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldParseAfterJavaSerializationWhenShippedToATaskManager() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(PARSER);
    }
    EventParser copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (EventParser) in.readObject();
    }

    assertThat(copy.config()).isEqualTo(PARSER.config());
    assertThat(parseValid(copy, withTs("1392388200000")).timestampMillis()).isEqualTo(T_14_30);
  }
}
