package org.tftflink.model.grid;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The rules that put a host's irregular events on a regular step grid: the step, how events within
 * a step are combined, how exact-timestamp duplicates are resolved, how long a step waits for late
 * events, and how many missing steps are imputed before the host's history is dropped.
 *
 * @param step the grid step (e.g. 5 minutes)
 * @param target the target metric (column 0 of the history)
 * @param covariates other metrics kept as observed covariates (columns 1..n)
 * @param aggregation how the distinct timestamps within one step are combined
 * @param duplicates how two events of one host with the same timestamp are resolved
 * @param allowedLateness how long after a step's end (in event time) its events are still accepted
 * @param maxGapSteps how many consecutive steps without data are imputed (carried forward, flagged
 *     missing); one more and the host's whole state is cleared, so a host that comes back starts a
 *     fresh history, and a host that stops reporting holds no state
 * @param capacitySteps how many finalized steps the history ring keeps
 */
public record StepGridConfig(
    Duration step,
    String target,
    List<String> covariates,
    Aggregation aggregation,
    DuplicatePolicy duplicates,
    Duration allowedLateness,
    int maxGapSteps,
    int capacitySteps)
    implements java.io.Serializable {

  public StepGridConfig {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(target, "target");
    covariates = List.copyOf(covariates);
    Objects.requireNonNull(aggregation, "aggregation");
    Objects.requireNonNull(duplicates, "duplicates");
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    if (step.isNegative() || step.isZero() || step.toMillis() < 1000) {
      throw new IllegalArgumentException("grid step must be at least 1 second, got " + step);
    }
    if (target.isBlank()) {
      throw new IllegalArgumentException("target metric must not be blank");
    }
    if (covariates.contains(target)) {
      throw new IllegalArgumentException("covariates must not contain the target '" + target + "'");
    }
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException(
          "allowed lateness must not be negative, got " + allowedLateness);
    }
    if (maxGapSteps < 0) {
      throw new IllegalArgumentException("max gap steps must be >= 0, got " + maxGapSteps);
    }
    if (capacitySteps < 2) {
      throw new IllegalArgumentException(
          "history capacity must be >= 2 steps, got " + capacitySteps);
    }
  }

  /** Number of history columns: the target plus the covariates. */
  public int columns() {
    return 1 + covariates.size();
  }

  public long stepMillis() {
    return step.toMillis();
  }

  /** The index of the step that contains {@code timestampMillis}. */
  public long stepOf(long timestampMillis) {
    return Math.floorDiv(timestampMillis, stepMillis());
  }

  /**
   * The event time at which {@code stepIndex} is closed: its end plus the allowed lateness, minus 1
   * ms.
   */
  public long closeTimeOf(long stepIndex) {
    return (stepIndex + 1) * stepMillis() + allowedLateness.toMillis() - 1;
  }

  /** The step closed by a timer at {@code closeTime} (inverse of {@link #closeTimeOf}). */
  public long stepClosedAt(long closeTime) {
    return Math.floorDiv(closeTime + 1 - allowedLateness.toMillis(), stepMillis()) - 1;
  }

  /** How the distinct timestamps of one step are combined into the step's value. */
  public enum Aggregation {
    MEAN,
    LAST,
    MAX
  }

  /** How events of one host that carry exactly the same timestamp are resolved. */
  public enum DuplicatePolicy {
    /** The later arrival replaces the earlier one (a correction). */
    KEEP_LAST,
    /** The first arrival wins; later ones are counted and ignored. */
    KEEP_FIRST
  }
}
