package org.tftflink.model.online.safety;

/**
 * Stops updating after {@code breaker_max_failures} consecutive failed updates (aborted or
 * rejected) and lets one update try again after {@code breaker_cooldown_minutes} of event time
 * (half-open: one more failure opens it again at once, a success closes it for good).
 */
public final class CircuitBreaker {
  private final int maxFailures;
  private final long cooldownMs;
  private int consecutiveFailures;
  private long openedAtMs = -1;
  private long openings;

  public CircuitBreaker(int maxFailures, long cooldownMs) {
    this.maxFailures = maxFailures;
    this.cooldownMs = cooldownMs;
  }

  /** Counts a failed update; true if this failure opened the breaker. */
  public boolean recordFailure(long nowMs) {
    consecutiveFailures++;
    if (openedAtMs < 0 && consecutiveFailures >= maxFailures) {
      openedAtMs = nowMs;
      openings++;
      return true;
    }
    return false;
  }

  public void recordSuccess() {
    consecutiveFailures = 0;
  }

  public boolean isOpen() {
    return openedAtMs >= 0;
  }

  /** Closes an open breaker whose cool-down has passed; true if it closed now. */
  public boolean closeIfCooled(long nowMs) {
    if (openedAtMs >= 0 && nowMs - openedAtMs >= cooldownMs) {
      openedAtMs = -1;
      consecutiveFailures = maxFailures - 1;
      return true;
    }
    return false;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public long openedAtMs() {
    return openedAtMs;
  }

  public long openings() {
    return openings;
  }

  /** Restores the state from a snapshot. */
  public void restore(int consecutiveFailures, long openedAtMs, long openings) {
    this.consecutiveFailures = consecutiveFailures;
    this.openedAtMs = openedAtMs;
    this.openings = openings;
  }
}
