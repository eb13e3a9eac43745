package org.tftflink.model.event;

import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable limits and context for {@link EventParser}: the target metric, size limits, the allowed
 * clock skew into the future, and the clock that defines "now".
 *
 * <p>Start from {@link #forTarget(String)} and adjust with the {@code with...} methods; every
 * instance is validated when it is built, so a parser never sees an impossible configuration.
 */
public record EventParserConfig(
    String targetMetric,
    int maxMessageBytes,
    int maxHostLength,
    int maxMetrics,
    int maxTags,
    Duration maxFutureSkew,
    Clock clock)
    implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /**
   * Default largest accepted message: 64 KiB, far above a real event, small enough to bound work.
   */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  /** Default longest host name: 253 characters, the DNS limit for a fully qualified name. */
  public static final int DEFAULT_MAX_HOST_LENGTH = 253;

  /** Default largest number of entries in {@code metrics}. */
  public static final int DEFAULT_MAX_METRICS = 64;

  /** Default largest number of entries in {@code tags}. */
  public static final int DEFAULT_MAX_TAGS = 64;

  /** Default tolerance for producer clocks that run ahead of ours. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

  public EventParserConfig {
    Objects.requireNonNull(targetMetric, "targetMetric");
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    Objects.requireNonNull(clock, "clock");
    if (targetMetric.isBlank()) {
      throw new IllegalArgumentException(
          "targetMetric must not be blank; pass the metric to forecast, e.g. \"cpu\"");
    }
    requirePositive("maxMessageBytes", maxMessageBytes);
    requirePositive("maxHostLength", maxHostLength);
    requirePositive("maxMetrics", maxMetrics);
    requirePositive("maxTags", maxTags);
    if (maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException(
          "maxFutureSkew must not be negative, got " + maxFutureSkew);
    }
  }

  /** The defaults for forecasting {@code targetMetric}, with the UTC system clock. */
  public static EventParserConfig forTarget(String targetMetric) {
    return new EventParserConfig(
        targetMetric,
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_MAX_HOST_LENGTH,
        DEFAULT_MAX_METRICS,
        DEFAULT_MAX_TAGS,
        DEFAULT_MAX_FUTURE_SKEW,
        Clock.systemUTC());
  }

  public EventParserConfig withMaxMessageBytes(int value) {
    return new EventParserConfig(
        targetMetric, value, maxHostLength, maxMetrics, maxTags, maxFutureSkew, clock);
  }

  public EventParserConfig withMaxHostLength(int value) {
    return new EventParserConfig(
        targetMetric, maxMessageBytes, value, maxMetrics, maxTags, maxFutureSkew, clock);
  }

  public EventParserConfig withMaxMetrics(int value) {
    return new EventParserConfig(
        targetMetric, maxMessageBytes, maxHostLength, value, maxTags, maxFutureSkew, clock);
  }

  public EventParserConfig withMaxTags(int value) {
    return new EventParserConfig(
        targetMetric, maxMessageBytes, maxHostLength, maxMetrics, value, maxFutureSkew, clock);
  }

  public EventParserConfig withMaxFutureSkew(Duration value) {
    return new EventParserConfig(
        targetMetric, maxMessageBytes, maxHostLength, maxMetrics, maxTags, value, clock);
  }

  /**
   * A copy that reads "now" from {@code value}; tests and replays pass a fixed or event-time clock.
   */
  public EventParserConfig withClock(Clock value) {
    return new EventParserConfig(
        targetMetric, maxMessageBytes, maxHostLength, maxMetrics, maxTags, maxFutureSkew, value);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
