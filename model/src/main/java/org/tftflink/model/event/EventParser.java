package org.tftflink.model.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Turns one raw {@code metrics} message into a {@link ParseResult}: a validated {@link MetricEvent}
 * or a dead letter with a specific {@link DeadLetterReason}; it never throws on bad input.
 *
 * <p>The wire format is DESIGN.md section 2 and {@code docs/schemas/metric-event.schema.json}:
 *
 * <pre>
 * {"host": "web-17", "ts": "2014-02-14T14:30:00Z", "metrics": {"cpu": 41.2}, "tags": {"cluster": "eu-1"}}
 * </pre>
 *
 * <p>Decisions beyond the schema:
 *
 * <ul>
 *   <li>{@code ts} forms are those of {@link TimestampParser}; an ISO time without a zone is UTC.
 *       Epoch milliseconds may be a JSON integer or a string of digits; a fractional number is
 *       {@code BAD_TIMESTAMP}. Accepted times lie in [2000-01-01T00:00:00Z, now + skew].
 *   <li>A duplicate key anywhere (top level, in {@code metrics} or in {@code tags}) is {@code
 *       NOT_JSON}: RFC 8259 leaves its meaning open, and silently keeping one value hides bugs.
 *   <li>Metric values must be JSON numbers; {@code NaN}/{@code Infinity} tokens and strings, and
 *       literals beyond the double range, are {@code NON_FINITE_METRIC}; any other string, boolean,
 *       null, object or array is {@code NON_NUMERIC_METRIC}.
 *   <li>{@code null} counts as absent, except that null {@code metrics} is {@code BAD_METRICS}
 *       ({@code metrics} is required) and null {@code tags} means no tags.
 *   <li>Limits: size is checked before decoding ({@code OVERSIZE}); more than the maximum entries
 *       is {@code TOO_MANY_METRICS}/{@code TOO_MANY_TAGS}; an empty metric or tag name is {@code
 *       BAD_METRICS}/{@code BAD_TAGS}; a blank host is {@code MISSING_HOST}; the host length counts
 *       UTF-16 chars. A UTF-8 byte order mark is skipped; a raw NUL byte is {@code NOT_JSON}.
 *   <li>Unknown fields are skipped, whatever their type; trailing content after the object is
 *       {@code NOT_JSON}. When a message has several problems, a syntax problem wins, then the
 *       first field problem in the order host, ts, metrics, tags.
 * </ul>
 *
 * <p>Thread-safe and meant to be shared: it holds only immutable configuration and one Jackson
 * {@link JsonFactory}, which is thread-safe and caches field-name symbols across messages.
 */
public final class EventParser implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** The message is tiny, so deep nesting in an unknown field can only be an attack or a bug. */
  private static final int MAX_NESTING_DEPTH = 32;

  private static final int MAX_PROBLEM_CHARS = 160;

  private final EventParserConfig config;
  private final transient JsonFactory factory;
  private final transient long futureSkewMillis;
  private final transient String skewText;

  public EventParser(EventParserConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.factory = newFactory();
    this.futureSkewMillis = saturatedMillis(config.maxFutureSkew());
    this.skewText = config.maxFutureSkew().toString();
  }

  public EventParserConfig config() {
    return config;
  }

  /**
   * Parses and validates one raw message; bad input yields {@link ParseResult.Invalid}, never an
   * exception.
   */
  public ParseResult parse(byte[] message) {
    ParseResult.Invalid rejected = RawMessageCheck.check(message, config.maxMessageBytes());
    if (rejected != null) {
      return rejected;
    }
    try (JsonParser parser = factory.createParser(message)) {
      return parseDocument(parser);
    } catch (JsonProcessingException e) {
      return notJson(e.getOriginalMessage(), e.getLocation());
    } catch (IOException | RuntimeException e) {
      // byte-array input does no I/O; this guard keeps the never-throw promise if Jackson surprises
      // us
      return new ParseResult.Invalid(
          DeadLetterReason.NOT_JSON,
          "message could not be read as JSON: " + ValueText.excerpt(String.valueOf(e)));
    }
  }

  private ParseResult parseDocument(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      return notJson("no JSON value in the message", parser.currentLocation());
    }
    if (first != JsonToken.START_OBJECT) {
      String what = ValueText.describeAndSkip(parser, first);
      ParseResult.Invalid trailing = trailingContent(parser);
      return trailing != null
          ? trailing
          : new ParseResult.Invalid(
              DeadLetterReason.NOT_OBJECT, "message must be a JSON object, got " + what);
    }
    long now = config.clock().millis();
    EventDraft draft =
        new EventDraft(
            config.targetMetric(),
            config.maxHostLength(),
            config.maxMetrics(),
            config.maxTags(),
            now + futureSkewMillis,
            skewText);
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "host" -> draft.readHost(parser, value);
        case "ts" -> draft.readTimestamp(parser, value);
        case "metrics" -> draft.readMetrics(parser, value);
        case "tags" -> draft.readTags(parser, value);
        default -> parser.skipChildren();
      }
    }
    ParseResult.Invalid trailing = trailingContent(parser);
    return trailing != null ? trailing : draft.result();
  }

  /**
   * A dead letter when anything but whitespace follows the root value (Jackson allows a sequence).
   */
  private static ParseResult.Invalid trailingContent(JsonParser parser) throws IOException {
    JsonToken next = parser.nextToken();
    if (next == null) {
      return null;
    }
    return notJson(
        "trailing content after the JSON value, starting with " + next.asString(),
        parser.currentTokenLocation());
  }

  private static ParseResult.Invalid notJson(String problem, JsonLocation location) {
    String where =
        location == null
            ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    // Jackson quotes up to 256 characters of a bad token; a dead letter needs far less
    String shortProblem =
        problem.length() > MAX_PROBLEM_CHARS
            ? problem.substring(0, MAX_PROBLEM_CHARS) + "..."
            : problem;
    return new ParseResult.Invalid(
        DeadLetterReason.NOT_JSON, "message is not JSON: " + shortProblem + where);
  }

  private static JsonFactory newFactory() {
    return new JsonFactoryBuilder()
        // NaN and Infinity tokens must be read so that they are classified as NON_FINITE_METRIC
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        // metric and tag names come from producers; canonicalising them is enough, interning is a
        // leak
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
        .build();
  }

  private static long saturatedMillis(Duration duration) {
    // a skew of centuries means "no upper bound"; cap it so that now + skew cannot overflow
    Duration cap = Duration.ofMillis(Long.MAX_VALUE / 4);
    return duration.compareTo(cap) > 0 ? cap.toMillis() : duration.toMillis();
  }

  /**
   * Rebuilds the transient Jackson factory after Java serialization (Flink ships functions this
   * way).
   */
  @Serial
  private Object readResolve() {
    return new EventParser(config);
  }
}
