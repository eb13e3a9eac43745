package org.tftflink.model.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.model.event.DeadLetterReason.ABSURD_TIMESTAMP;
import static org.tftflink.model.event.DeadLetterReason.BAD_HOST;
import static org.tftflink.model.event.DeadLetterReason.BAD_METRICS;
import static org.tftflink.model.event.DeadLetterReason.BAD_TAGS;
import static org.tftflink.model.event.DeadLetterReason.BAD_TIMESTAMP;
import static org.tftflink.model.event.DeadLetterReason.EMPTY;
import static org.tftflink.model.event.DeadLetterReason.HOST_TOO_LONG;
import static org.tftflink.model.event.DeadLetterReason.INVALID_UTF8;
import static org.tftflink.model.event.DeadLetterReason.MISSING_HOST;
import static org.tftflink.model.event.DeadLetterReason.MISSING_TARGET;
import static org.tftflink.model.event.DeadLetterReason.MISSING_TIMESTAMP;
import static org.tftflink.model.event.DeadLetterReason.NON_FINITE_METRIC;
import static org.tftflink.model.event.DeadLetterReason.NON_NUMERIC_METRIC;
import static org.tftflink.model.event.DeadLetterReason.NOT_JSON;
import static org.tftflink.model.event.DeadLetterReason.NOT_OBJECT;
import static org.tftflink.model.event.DeadLetterReason.OVERSIZE;
import static org.tftflink.model.event.DeadLetterReason.TOO_MANY_METRICS;
import static org.tftflink.model.event.DeadLetterReason.TOO_MANY_TAGS;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input maps to its own dead-letter reason with a message naming the field and value. */
class EventParserRejectionTest {

  static final Instant NOW = Instant.parse("2014-02-15T00:00:00Z");
  static final EventParser PARSER =
      new EventParser(
          EventParserConfig.forTarget("cpu").withClock(Clock.fixed(NOW, ZoneOffset.UTC)));

  private static final String HOST = "\"host\":\"web-17\"";
  private static final String TS = "\"ts\":\"2014-02-14T14:30:00Z\"";
  private static final String METRICS = "\"metrics\":{\"cpu\":41.2,\"mem\":63.0}";

  /** A valid event with one field replaced by {@code field} (or dropped when it is empty). */
  private static String with(String host, String ts, String metrics, String tags) {
    return "{"
        + Stream.of(host, ts, metrics, tags)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.joining(","))
        + "}";
  }

  private static String host(String json) {
    return with("\"host\":" + json, TS, METRICS, "");
  }

  private static String ts(String json) {
    return with(HOST, "\"ts\":" + json, METRICS, "");
  }

  private static String metrics(String json) {
    return with(HOST, TS, "\"metrics\":" + json, "");
  }

  private static String tags(String json) {
    return with(HOST, TS, METRICS, "\"tags\":" + json);
  }

  private static byte[] bytes(int... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int v : values) {
      out.write(v);
    }
    return out.toByteArray();
  }

  /** {@code {"host":"<prefix><bytes>","ts":...}}: the raw bytes sit inside the host string. */
  private static byte[] hostWithRawBytes(int... raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("{\"host\":\"web".getBytes(UTF_8));
    out.writeBytes(bytes(raw));
    out.writeBytes(("\"," + TS + "," + METRICS + "}").getBytes(UTF_8));
    return out.toByteArray();
  }

  private static Arguments bad(DeadLetterReason reason, String json, String... fragments) {
    return Arguments.of(reason, json.getBytes(UTF_8), fragments);
  }

  private static Arguments bad(DeadLetterReason reason, byte[] raw, String... fragments) {
    return Arguments.of(reason, raw, fragments);
  }

  static Stream<Arguments> badInputs() {
    String manyMetrics =
        IntStream.rangeClosed(0, 64)
            .mapToObj(i -> "\"m" + i + "\":" + i)
            .collect(Collectors.joining(",", "{\"cpu\":1,", "}"));
    String manyTags =
        IntStream.rangeClosed(0, 64)
            .mapToObj(i -> "\"t" + i + "\":\"v\"")
            .collect(Collectors.joining(",", "{", "}"));
    return Stream.of(
        bad(EMPTY, new byte[0], "empty"),
        bad(EMPTY, "   ", "blank"),
        bad(EMPTY, " \n\t\r ", "blank"),
        bad(
            OVERSIZE,
            with(HOST, TS, METRICS, "\"pad\":\"" + "x".repeat(70_000) + "\""),
            "70",
            "65536"),
        // size is checked before decoding: oversize garbage is OVERSIZE, not INVALID_UTF8
        bad(OVERSIZE, new byte[65_537], "65537"),
        bad(INVALID_UTF8, hostWithRawBytes(0xC3, 0x28), "0xC3", "offset 12"),
        bad(INVALID_UTF8, hostWithRawBytes(0x80), "0x80"),
        bad(INVALID_UTF8, hostWithRawBytes(0xC0, 0xAF), "0xC0"), // overlong '/'
        bad(INVALID_UTF8, hostWithRawBytes(0xED, 0xA0, 0x80), "0xED"), // UTF-16 surrogate
        bad(INVALID_UTF8, hostWithRawBytes(0xF4, 0x90, 0x80, 0x80), "0xF4"), // above U+10FFFF
        bad(INVALID_UTF8, hostWithRawBytes(0xFF), "0xFF"),
        bad(INVALID_UTF8, bytes('{', '}', 0xE2, 0x82), "offset 2"), // truncated at the end
        bad(INVALID_UTF8, bytes(0xFE, 0xFF, 0, '{', 0, '}'), "0xFE"), // UTF-16 with BOM
        bad(NOT_JSON, "{", "line 1"),
        bad(NOT_JSON, "hello", "hello"),
        bad(NOT_JSON, "{\"host\":}", "not JSON"),
        bad(NOT_JSON, "{'host':'web-17'}", "not JSON"),
        bad(NOT_JSON, "{\"host\":\"a\",}", "not JSON"), // trailing comma
        bad(NOT_JSON, "{\"host\":\"a\" \"ts\":1}", "not JSON"),
        bad(NOT_JSON, "/* c */" + with(HOST, TS, METRICS, ""), "not JSON"),
        bad(NOT_JSON, with(HOST, TS, METRICS, "") + " garbage", "garbage"),
        bad(NOT_JSON, with(HOST, TS, METRICS, "") + "{}", "trailing content", "{"),
        bad(NOT_JSON, with(HOST, TS, METRICS, "") + " 1", "trailing content"),
        bad(NOT_JSON, "[1] [2]", "trailing content"),
        bad(NOT_JSON, with(HOST, TS, METRICS, HOST), "host"), // duplicate top-level key
        bad(NOT_JSON, metrics("{\"cpu\":1,\"cpu\":2}"), "cpu"), // duplicate metric
        bad(NOT_JSON, tags("{\"a\":\"x\",\"a\":\"y\"}"), "Duplicate field 'a'"), // duplicate tag
        bad(NOT_JSON, bytes('{', '"', 'h', 0, '"', ':', '1', '}'), "NUL", "offset 3"),
        bad(NOT_JSON, bytes(0, '{', 0, '}'), "NUL", "offset 0"), // would otherwise look like UTF-16
        bad(
            NOT_JSON,
            with(HOST, TS, METRICS, "\"deep\":" + "[".repeat(40) + "]".repeat(40)),
            "nesting"),
        // a syntax error wins over an earlier semantic problem
        bad(NOT_JSON, "{\"host\":5,\"ts\":", "not JSON"),
        bad(NOT_OBJECT, "[]", "an array"),
        bad(NOT_OBJECT, "[1,{\"host\":\"a\"}]", "an array"),
        bad(NOT_OBJECT, "\"web-17\"", "string \"web-17\""),
        bad(NOT_OBJECT, "42", "number 42"),
        bad(NOT_OBJECT, "null", "null"),
        bad(NOT_OBJECT, " true ", "true"),
        bad(MISSING_HOST, with("", TS, METRICS, ""), "'host' is missing"),
        bad(MISSING_HOST, "{}", "'host' is missing"),
        bad(MISSING_HOST, host("null"), "'host'", "null"),
        bad(MISSING_HOST, host("17"), "'host'", "number 17"),
        bad(MISSING_HOST, host("\"\""), "'host'", "\"\""),
        bad(MISSING_HOST, host("\"  \""), "'host'", "\"  \""),
        bad(MISSING_HOST, host("{\"name\":\"web-17\"}"), "'host'", "an object"),
        bad(MISSING_HOST, host("[\"web-17\"]"), "'host'", "an array"),
        bad(
            HOST_TOO_LONG,
            host("\"" + "h".repeat(254) + "\""),
            "'host'",
            "254",
            "253",
            "h".repeat(100) + "\"...(254 chars)"),
        bad(BAD_HOST, host("\"\\u0001\\u0007\\u001b\""), "'host'", "control characters"),
        bad(BAD_HOST, host("\"web\\n17\""), "'host'", "\"web\\u000a17\""),
        bad(MISSING_TIMESTAMP, with(HOST, "", METRICS, ""), "'ts' is missing"),
        bad(MISSING_TIMESTAMP, ts("null"), "'ts' is null"),
        bad(BAD_TIMESTAMP, ts("\"yesterday\""), "'ts'", "\"yesterday\""),
        bad(BAD_TIMESTAMP, ts("\"\""), "'ts'", "\"\""),
        bad(BAD_TIMESTAMP, ts("\"2014-02-14\""), "\"2014-02-14\""),
        bad(BAD_TIMESTAMP, ts("\"2014-13-01T00:00:00Z\""), "2014-13-01"),
        bad(BAD_TIMESTAMP, ts("\"2014-02-29T00:00:00Z\""), "2014-02-29"), // 2014 is not a leap year
        bad(BAD_TIMESTAMP, ts("\"2014-02-14T24:00:00Z\""), "T24"),
        bad(BAD_TIMESTAMP, ts("\"2014-02-14T14:30:60Z\""), ":60Z"),
        bad(BAD_TIMESTAMP, ts("\"2014-02-14T14:30:00+19:00\""), "+19:00"),
        bad(BAD_TIMESTAMP, ts("\"2014-02-14T14:30:00 UTC\""), "UTC"),
        bad(BAD_TIMESTAMP, ts("\"2014-02-14T14:30:00.Z\""), ".Z"),
        bad(BAD_TIMESTAMP, ts("\"14/02/2014 14:30\""), "14/02/2014"),
        bad(BAD_TIMESTAMP, ts("\"-1392388200000\""), "-1392388200000"),
        bad(BAD_TIMESTAMP, ts("\"1392388200000.0\""), "1392388200000.0"),
        bad(BAD_TIMESTAMP, ts("1.3923882E12"), "number 1.3923882E12", "integer"),
        bad(BAD_TIMESTAMP, ts("true"), "'ts'", "true"),
        bad(BAD_TIMESTAMP, ts("{\"s\":1}"), "'ts'", "an object"),
        bad(ABSURD_TIMESTAMP, ts("1392388200"), "1392388200", "1970-01-17", "epoch seconds"),
        bad(ABSURD_TIMESTAMP, ts("\"1392388200\""), "epoch seconds"),
        bad(ABSURD_TIMESTAMP, ts("0"), "1970-01-01T00:00:00Z", "before 2000"),
        bad(ABSURD_TIMESTAMP, ts("-5"), "before 2000"),
        bad(
            ABSURD_TIMESTAMP,
            ts("\"1999-12-31T23:59:59.999Z\""),
            "1999-12-31T23:59:59.999Z",
            "before 2000"),
        bad(ABSURD_TIMESTAMP, ts("\"2014-02-16T00:00:00.001Z\""), "PT24H", "2014-02-16T00:00:00Z"),
        bad(ABSURD_TIMESTAMP, ts("\"9999-12-31T23:59:59Z\""), "9999-12-31"),
        bad(
            ABSURD_TIMESTAMP,
            ts("123456789012345678901234567890"),
            "out of range",
            "123456789012345678901234567890"),
        bad(BAD_METRICS, with(HOST, TS, "", ""), "'metrics' is missing"),
        bad(BAD_METRICS, metrics("null"), "'metrics'", "null"),
        bad(BAD_METRICS, metrics("[41.2]"), "'metrics'", "an array"),
        bad(BAD_METRICS, metrics("41.2"), "'metrics'", "number 41.2"),
        bad(BAD_METRICS, metrics("\"cpu=41.2\""), "'metrics'", "\"cpu=41.2\""),
        bad(BAD_METRICS, metrics("{\"cpu\":1,\"\":2}"), "empty metric name"),
        bad(TOO_MANY_METRICS, metrics(manyMetrics), "'metrics'", "64"),
        bad(MISSING_TARGET, metrics("{\"mem\":63.0}"), "\"cpu\"", "[mem]"),
        bad(MISSING_TARGET, metrics("{}"), "\"cpu\"", "[]"),
        bad(MISSING_TARGET, metrics("{\"CPU\":1}"), "\"cpu\""), // names are case-sensitive
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":\"41.2\"}"), "\"cpu\"", "string \"41.2\""),
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":\"high\"}"), "\"cpu\"", "string \"high\""),
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":true}"), "\"cpu\"", "true"),
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":false}"), "\"cpu\"", "false"),
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":null}"), "\"cpu\"", "null"),
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":1,\"mem\":{\"v\":1}}"), "\"mem\"", "an object"),
        bad(NON_NUMERIC_METRIC, metrics("{\"cpu\":[1]}"), "\"cpu\"", "an array"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":NaN}"), "\"cpu\"", "NaN"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":Infinity}"), "\"cpu\"", "Infinity"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":-Infinity}"), "\"cpu\"", "-Infinity"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":+Infinity}"), "\"cpu\"", "+Infinity"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":1,\"mem\":NaN}"), "\"mem\"", "NaN"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":\"NaN\"}"), "\"cpu\"", "string \"NaN\""),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":\"nan\"}"), "\"nan\""),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":\"-inf\"}"), "\"-inf\""),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":\"+Infinity\"}"), "\"+Infinity\""),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":1e400}"), "\"cpu\"", "1e400"),
        bad(NON_FINITE_METRIC, metrics("{\"cpu\":-1e400}"), "-1e400"),
        bad(BAD_TAGS, tags("[\"eu-1\"]"), "'tags'", "an array"),
        bad(BAD_TAGS, tags("\"cluster=eu-1\""), "'tags'", "\"cluster=eu-1\""),
        bad(BAD_TAGS, tags("3"), "'tags'", "number 3"),
        bad(BAD_TAGS, tags("{\"rack\":3}"), "\"rack\"", "number 3"),
        bad(BAD_TAGS, tags("{\"rack\":null}"), "\"rack\"", "null"),
        bad(BAD_TAGS, tags("{\"rack\":true}"), "\"rack\"", "true"),
        bad(BAD_TAGS, tags("{\"rack\":{\"row\":\"a\"}}"), "\"rack\"", "an object"),
        bad(BAD_TAGS, tags("{\"\":\"x\"}"), "empty tag name"),
        bad(TOO_MANY_TAGS, tags(manyTags), "'tags'", "64"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badInputs")
  void shouldRejectWithSpecificReasonWhenInputIsBad(
      DeadLetterReason reason, byte[] message, String[] fragments) {
    ParseResult result = PARSER.parse(message);

    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    ParseResult.Invalid invalid = (ParseResult.Invalid) result;
    assertThat(invalid.reason()).as(invalid.message()).isEqualTo(reason);
    assertThat(invalid.message()).contains(fragments);
  }

  @Test
  void shouldCoverEveryParserReasonInTheTable() {
    Set<DeadLetterReason> covered =
        badInputs()
            .map(a -> (DeadLetterReason) a.get()[0])
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(DeadLetterReason.class)));

    // LATE is decided downstream, on the step grid, not by the parser
    assertThat(covered).isEqualTo(EnumSet.complementOf(EnumSet.of(DeadLetterReason.LATE)));
  }

  @Test
  void shouldRejectAsEmptyWhenMessageIsNull() {
    assertThat(PARSER.parse(null)).isEqualTo(ParseResult.invalid(EMPTY, "message is null"));
  }

  @Test
  void shouldKeepDeadLetterMessagesShortWhenOffendingValueIsHuge() {
    ParseResult result = PARSER.parse(ts("\"" + "9".repeat(5_000) + "x\"").getBytes(UTF_8));

    assertThat(((ParseResult.Invalid) result).message())
        .hasSizeLessThan(250)
        .contains("(5001 chars)");
  }

  @Test
  void shouldReportHostBeforeTimestampWhateverTheFieldOrder() {
    String tsFirst = "{\"ts\":\"never\",\"host\":\"\",\"metrics\":{\"cpu\":1}}";
    String hostFirst = "{\"host\":\"\",\"ts\":\"never\",\"metrics\":{\"cpu\":1}}";

    assertThat(PARSER.parse(tsFirst.getBytes(UTF_8)))
        .isEqualTo(PARSER.parse(hostFirst.getBytes(UTF_8)));
    assertThat(((ParseResult.Invalid) PARSER.parse(tsFirst.getBytes(UTF_8))).reason())
        .isEqualTo(MISSING_HOST);
  }

  @Test
  void shouldReportMetricsBeforeTagsWhenBothAreBad() {
    String json = "{\"tags\":[],\"host\":\"a\",\"ts\":1392388200000,\"metrics\":{\"cpu\":\"x\"}}";

    assertThat(((ParseResult.Invalid) PARSER.parse(json.getBytes(UTF_8))).reason())
        .isEqualTo(NON_NUMERIC_METRIC);
  }

  @Test
  void shouldEscapeControlCharactersWhenQuotingTheOffendingValue() {
    ParseResult result = PARSER.parse(ts("\"a\\nb\\\"c\"").getBytes(UTF_8));

    assertThat(((ParseResult.Invalid) result).message()).contains("\"a\\u000ab\\\"c\"");
  }
}
