package org.tftflink.model.event;

import static org.tftflink.model.event.DeadLetterReason.ABSURD_TIMESTAMP;
import static org.tftflink.model.event.DeadLetterReason.BAD_HOST;
import static org.tftflink.model.event.DeadLetterReason.BAD_METRICS;
import static org.tftflink.model.event.DeadLetterReason.BAD_TAGS;
import static org.tftflink.model.event.DeadLetterReason.BAD_TIMESTAMP;
import static org.tftflink.model.event.DeadLetterReason.HOST_TOO_LONG;
import static org.tftflink.model.event.DeadLetterReason.MISSING_HOST;
import static org.tftflink.model.event.DeadLetterReason.MISSING_TARGET;
import static org.tftflink.model.event.DeadLetterReason.MISSING_TIMESTAMP;
import static org.tftflink.model.event.DeadLetterReason.NON_FINITE_METRIC;
import static org.tftflink.model.event.DeadLetterReason.NON_NUMERIC_METRIC;
import static org.tftflink.model.event.DeadLetterReason.TOO_MANY_METRICS;
import static org.tftflink.model.event.DeadLetterReason.TOO_MANY_TAGS;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of one event while its JSON is being streamed, with the first problem of each field.
 *
 * <p>Problems are kept per field and reported in a fixed order (host, ts, metrics, tags) once the
 * whole message has been read, so the reason does not depend on the order of the fields and a
 * syntax error anywhere wins over a semantic one. One instance per message; not thread-safe.
 */
final class EventDraft {

  /**
   * 2000-01-01T00:00:00Z: no metric we forecast predates it, so earlier values are unit mistakes.
   */
  static final long MIN_TIMESTAMP_MILLIS = 946_684_800_000L;

  private final String target;
  private final int maxHostLength;
  private final int maxMetrics;
  private final int maxTags;
  private final long latestAcceptedMillis;
  private final String skewText;

  private String host;
  private long timestampMillis;
  private boolean hasTimestamp;
  private Map<String, Double> metrics;
  private Map<String, String> tags = Map.of();

  private ParseResult.Invalid hostProblem;
  private ParseResult.Invalid timestampProblem;
  private ParseResult.Invalid metricsProblem;
  private ParseResult.Invalid tagsProblem;

  EventDraft(
      String target,
      int maxHostLength,
      int maxMetrics,
      int maxTags,
      long latestAcceptedMillis,
      String skewText) {
    this.target = target;
    this.maxHostLength = maxHostLength;
    this.maxMetrics = maxMetrics;
    this.maxTags = maxTags;
    this.latestAcceptedMillis = latestAcceptedMillis;
    this.skewText = skewText;
  }

  void readHost(JsonParser p, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      hostProblem =
          invalid(
              MISSING_HOST,
              "field 'host' must be a non-empty string, got "
                  + ValueText.describeAndSkip(p, token));
      return;
    }
    String text = p.getText();
    if (text.isBlank()) {
      hostProblem =
          invalid(
              MISSING_HOST,
              "field 'host' must be a non-empty string, got " + ValueText.quoted(text));
    } else if (text.length() > maxHostLength) {
      hostProblem =
          invalid(
              HOST_TOO_LONG,
              "field 'host' has "
                  + text.length()
                  + " characters, more than the maximum "
                  + maxHostLength
                  + ": "
                  + ValueText.quoted(text));
    } else if (text.chars().anyMatch(Character::isISOControl)) {
      // a key of control characters would reach logs, terminals and dashboards unescaped
      hostProblem =
          invalid(
              BAD_HOST,
              "field 'host' must not contain control characters, got " + ValueText.quoted(text));
    } else {
      host = text;
    }
  }

  void readTimestamp(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_STRING -> {
        long millis =
            TimestampParser.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (millis == TimestampParser.UNPARSEABLE) {
          timestampProblem =
              invalid(
                  BAD_TIMESTAMP,
                  "field 'ts' is neither ISO-8601 (e.g. 2014-02-14T14:30:00Z) nor epoch milliseconds: "
                      + ValueText.quoted(p.getText()));
        } else {
          acceptTimestamp(p, millis);
        }
      }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          timestampProblem =
              invalid(
                  ABSURD_TIMESTAMP,
                  "field 'ts' is out of range for epoch milliseconds: "
                      + ValueText.excerpt(p.getText()));
        } else {
          acceptTimestamp(p, p.getLongValue());
        }
      }
      case VALUE_NULL -> timestampProblem = invalid(MISSING_TIMESTAMP, "field 'ts' is null");
      default ->
          timestampProblem =
              invalid(
                  BAD_TIMESTAMP,
                  "field 'ts' must be an ISO-8601 string or integer epoch milliseconds, got "
                      + ValueText.describeAndSkip(p, token));
    }
  }

  private void acceptTimestamp(JsonParser p, long millis) throws IOException {
    if (millis >= MIN_TIMESTAMP_MILLIS && millis <= latestAcceptedMillis) {
      timestampMillis = millis;
      hasTimestamp = true;
      return;
    }
    // the text of the value is only built on this error path
    String original =
        p.currentToken() == JsonToken.VALUE_STRING ? ValueText.quoted(p.getText()) : p.getText();
    if (millis < MIN_TIMESTAMP_MILLIS) {
      // a plausible value in seconds is the usual cause; say so to save the reader a conversion
      boolean looksLikeSeconds =
          millis >= MIN_TIMESTAMP_MILLIS / 1000 && millis <= latestAcceptedMillis / 1000;
      timestampProblem =
          invalid(
              ABSURD_TIMESTAMP,
              "field 'ts' "
                  + original
                  + " is "
                  + Instant.ofEpochMilli(millis)
                  + ", before 2000-01-01T00:00:00Z"
                  + (looksLikeSeconds ? " (epoch seconds instead of milliseconds?)" : ""));
    } else {
      timestampProblem =
          invalid(
              ABSURD_TIMESTAMP,
              "field 'ts' "
                  + original
                  + " is "
                  + Instant.ofEpochMilli(millis)
                  + ", more than "
                  + skewText
                  + " after now (latest accepted "
                  + Instant.ofEpochMilli(latestAcceptedMillis)
                  + ")");
    }
  }

  void readMetrics(JsonParser p, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      metricsProblem =
          invalid(
              BAD_METRICS,
              "field 'metrics' must be an object of numbers, got "
                  + ValueText.describeAndSkip(p, token));
      return;
    }
    Map<String, Double> values = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (metricsProblem == null) {
        metricsProblem = readMetric(p, name, value, values);
      }
      // after a problem the rest is still read, so that a later syntax error is what gets reported
      p.skipChildren();
    }
    metrics = values;
  }

  private ParseResult.Invalid readMetric(
      JsonParser p, String name, JsonToken value, Map<String, Double> into) throws IOException {
    if (name.isEmpty()) {
      return invalid(BAD_METRICS, "field 'metrics' has an empty metric name");
    }
    if (into.size() == maxMetrics) {
      return invalid(
          TOO_MANY_METRICS, "field 'metrics' has more than the maximum " + maxMetrics + " entries");
    }
    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
      double number = p.getDoubleValue();
      if (!Double.isFinite(number)) {
        // also catches literals too large for a double, such as 1e400
        return invalid(
            NON_FINITE_METRIC,
            "metric "
                + ValueText.quoted(name)
                + " must be finite, got number "
                + ValueText.excerpt(p.getText()));
      }
      into.put(name, number);
      return null;
    }
    if (value == JsonToken.VALUE_STRING
        && NonFiniteWords.matches(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
      return invalid(
          NON_FINITE_METRIC,
          "metric "
              + ValueText.quoted(name)
              + " must be finite, got string "
              + ValueText.quoted(p.getText()));
    }
    // numbers in strings are refused too: the contract says numbers, and guessing hides producer
    // bugs
    return invalid(
        NON_NUMERIC_METRIC,
        "metric "
            + ValueText.quoted(name)
            + " must be a number, got "
            + ValueText.describeAndSkip(p, value));
  }

  void readTags(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return; // null tags mean no tags: producers often serialise an absent map as null
    }
    if (token != JsonToken.START_OBJECT) {
      tagsProblem =
          invalid(
              BAD_TAGS,
              "field 'tags' must be an object of strings, got "
                  + ValueText.describeAndSkip(p, token));
      return;
    }
    Map<String, String> values = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (tagsProblem == null) {
        if (name.isEmpty()) {
          tagsProblem = invalid(BAD_TAGS, "field 'tags' has an empty tag name");
        } else if (values.size() == maxTags) {
          tagsProblem =
              invalid(
                  TOO_MANY_TAGS, "field 'tags' has more than the maximum " + maxTags + " entries");
        } else if (value != JsonToken.VALUE_STRING) {
          tagsProblem =
              invalid(
                  BAD_TAGS,
                  "tag "
                      + ValueText.quoted(name)
                      + " must be a string, got "
                      + ValueText.describeAndSkip(p, value));
        } else {
          values.put(name, p.getText());
        }
      }
      p.skipChildren();
    }
    tags = values;
  }

  /** The event, or the first problem in the order host, ts, metrics, tags. */
  ParseResult result() {
    if (hostProblem != null) {
      return hostProblem;
    }
    if (host == null) {
      return invalid(MISSING_HOST, "field 'host' is missing");
    }
    if (timestampProblem != null) {
      return timestampProblem;
    }
    if (!hasTimestamp) {
      return invalid(MISSING_TIMESTAMP, "field 'ts' is missing");
    }
    if (metricsProblem != null) {
      return metricsProblem;
    }
    if (metrics == null) {
      return invalid(BAD_METRICS, "field 'metrics' is missing");
    }
    if (!metrics.containsKey(target)) {
      return invalid(
          MISSING_TARGET,
          "field 'metrics' has no target metric "
              + ValueText.quoted(target)
              + "; it has "
              + ValueText.excerpt(metrics.keySet().toString()));
    }
    if (tagsProblem != null) {
      return tagsProblem;
    }
    return ParseResult.valid(new MetricEvent(host, timestampMillis, metrics, tags));
  }

  private static ParseResult.Invalid invalid(DeadLetterReason reason, String message) {
    return new ParseResult.Invalid(reason, message);
  }
}
