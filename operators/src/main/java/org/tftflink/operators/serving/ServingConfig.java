package org.tftflink.operators.serving;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.tftflink.model.tft.envelope.SignaturePolicy;

/**
 * How the inference operator serves the TFT: requests per model call, how long a request may wait
 * for a full batch, and which event tags (after the host) feed the model's static categoricals.
 *
 * @param batchSize requests predicted in one call; 1 turns batching off
 * @param flushInterval processing time after which a partly filled batch is predicted anyway
 * @param tagNames tag names whose values follow the host as static categoricals, in this order
 * @param signatures which model messages are accepted: signed ones only, or unsigned too
 */
public record ServingConfig(
    int batchSize, Duration flushInterval, List<String> tagNames, SignaturePolicy signatures)
    implements Serializable {

  /** Accepting unsigned model messages (no key configured). */
  public ServingConfig(int batchSize, Duration flushInterval, List<String> tagNames) {
    this(batchSize, flushInterval, tagNames, SignaturePolicy.none());
  }

  public ServingConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("serving batch size must be >= 1, got " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException(
          "serving flush interval must be positive, got " + flushInterval);
    }
    tagNames = List.copyOf(tagNames);
    signatures = signatures == null ? SignaturePolicy.none() : signatures;
  }

  /** Batches of 256, flushed after 200 ms, host as the only static categorical. */
  public static ServingConfig defaults() {
    return new ServingConfig(256, Duration.ofMillis(200), List.of());
  }
}
