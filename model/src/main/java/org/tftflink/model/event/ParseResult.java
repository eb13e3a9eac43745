package org.tftflink.model.event;

/**
 * The outcome of parsing one raw message: either a valid {@link MetricEvent} or a dead letter with
 * a reason and a human message. Parsing never throws on bad input.
 */
public sealed interface ParseResult {

  /** A message that passed every check. */
  record Valid(MetricEvent event) implements ParseResult {}

  /** A message that failed a check; {@code message} names the field and the offending value. */
  record Invalid(DeadLetterReason reason, String message) implements ParseResult {}

  static ParseResult valid(MetricEvent event) {
    return new Valid(event);
  }

  static ParseResult invalid(DeadLetterReason reason, String message) {
    return new Invalid(reason, message);
  }
}
