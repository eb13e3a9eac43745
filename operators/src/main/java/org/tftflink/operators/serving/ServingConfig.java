package org.tftflink.operators.serving;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.SignaturePolicy;

/**
 * How the inference operator serves the TFT: requests per model call, how long a request may wait
 * for a full batch, which event tags (after the host) feed the model's static categoricals, which
 * model messages are accepted, and how many models one serving plan may make a subtask hold.
 *
 * @param batchSize requests predicted in one call; 1 turns batching off
 * @param flushInterval processing time after which a partly filled batch is predicted anyway
 * @param tagNames tag names whose values follow the host as static categoricals, in this order
 * @param signatures which model messages are accepted: signed ones only, or unsigned too
 * @param maxModels models a serving plan may hold across its groups (ensemble members, plus the
 *     canary's during a canary rollout); a plan with more is rejected, so memory stays bounded
 */
public record ServingConfig(
    int batchSize,
    Duration flushInterval,
    List<String> tagNames,
    SignaturePolicy signatures,
    int maxModels)
    implements Serializable {

  /** Default of {@link #maxModels}: an ensemble of 3 with a canary of 3 beside it fits. */
  public static final int DEFAULT_MAX_MODELS = 6;

  /** Accepting unsigned model messages (no key configured). */
  public ServingConfig(int batchSize, Duration flushInterval, List<String> tagNames) {
    this(batchSize, flushInterval, tagNames, SignaturePolicy.none());
  }

  public ServingConfig(
      int batchSize, Duration flushInterval, List<String> tagNames, SignaturePolicy signatures) {
    this(batchSize, flushInterval, tagNames, signatures, DEFAULT_MAX_MODELS);
  }

  public ServingConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("serving batch size must be >= 1, got " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException(
          "serving flush interval must be positive, got " + flushInterval);
    }
    if (maxModels < 1 || maxModels > 2 * ServingPlan.MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "serving max models must be in [1, "
              + 2 * ServingPlan.MAX_MEMBERS
              + "], got "
              + maxModels);
    }
    tagNames = List.copyOf(tagNames);
    signatures = signatures == null ? SignaturePolicy.none() : signatures;
  }

  /** Batches of 256, flushed after 200 ms, host as the only static categorical. */
  public static ServingConfig defaults() {
    return new ServingConfig(256, Duration.ofMillis(200), List.of());
  }
}
