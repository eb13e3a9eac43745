package org.tftflink.model.event;

/**
 * Why an input message went to the dead-letter topic. The {@link #code()} is the stable string
 * written to {@code metrics-dlq}; downstream alerting keys on it, so codes never change meaning.
 */
public enum DeadLetterReason {
  EMPTY("empty", "the message is empty or blank"),
  OVERSIZE("oversize", "the message is larger than the configured maximum size"),
  INVALID_UTF8("invalid_utf8", "the message is not valid UTF-8"),
  NOT_JSON("not_json", "the message is not parseable JSON"),
  NOT_OBJECT("not_object", "the message is JSON but not a JSON object"),
  MISSING_HOST("missing_host", "the field 'host' is missing, not a string, or empty"),
  HOST_TOO_LONG("host_too_long", "the field 'host' is longer than the configured maximum"),
  MISSING_TIMESTAMP("missing_timestamp", "the field 'ts' is missing"),
  BAD_TIMESTAMP("bad_timestamp", "the field 'ts' is neither ISO-8601 nor epoch milliseconds"),
  ABSURD_TIMESTAMP(
      "absurd_timestamp",
      "the field 'ts' is before 2000 or further in the future than the allowed skew (default a"
          + " day)"),
  BAD_METRICS("bad_metrics", "the field 'metrics' is missing or not an object"),
  MISSING_TARGET("missing_target", "the configured target metric is missing"),
  NON_NUMERIC_METRIC("non_numeric_metric", "a metric value is not a number"),
  NON_FINITE_METRIC("non_finite_metric", "a metric value is NaN or infinite"),
  BAD_TAGS("bad_tags", "the field 'tags' is not an object of strings"),
  LATE("late", "the event is older than the allowed lateness for its host's step grid"),
  // appended after LATE so that the ordinals of the older reasons stay unchanged
  TOO_MANY_METRICS(
      "too_many_metrics", "the field 'metrics' has more entries than the configured maximum"),
  TOO_MANY_TAGS("too_many_tags", "the field 'tags' has more entries than the configured maximum"),
  BAD_HOST("bad_host", "the field 'host' contains control characters");

  private final String code;
  private final String description;

  DeadLetterReason(String code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The stable reason code written to the dead-letter topic. */
  public String code() {
    return code;
  }

  public String description() {
    return description;
  }
}
