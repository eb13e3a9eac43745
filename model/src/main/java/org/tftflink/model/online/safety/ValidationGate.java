package org.tftflink.model.online.safety;

/**
 * The validation gate: rejects a candidate whose hold-out loss is not finite, exceeds the current
 * model's by more than {@code validation_threshold}, or exceeds the baseline floor (seasonal naive)
 * when one is provided; with {@code enable_validation=false} only the finiteness check remains.
 */
public final class ValidationGate {
  private final boolean enabled;
  private final double threshold;

  public ValidationGate(boolean enabled, double threshold) {
    this.enabled = enabled;
    this.threshold = threshold;
  }

  /**
   * @param candidateLoss the candidate's hold-out loss
   * @param currentLoss the served model's on the same samples
   * @param baselineLoss the baseline floor's on the same samples; NaN = no floor
   */
  public GateDecision decide(double candidateLoss, double currentLoss, double baselineLoss) {
    if (!Double.isFinite(candidateLoss)) {
      return new GateDecision(false, "non-finite hold-out loss " + candidateLoss, Double.NaN);
    }
    double ratio = candidateLoss / currentLoss;
    if (!enabled) {
      return new GateDecision(true, "validation disabled", ratio);
    }
    if (Double.isFinite(currentLoss) && candidateLoss > currentLoss * (1 + threshold)) {
      return new GateDecision(
          false,
          String.format(
              "hold-out loss %.6g is %.1f%% above the current model's %.6g (threshold %.1f%%)",
              candidateLoss, 100 * (ratio - 1), currentLoss, 100 * threshold),
          ratio);
    }
    if (Double.isFinite(baselineLoss) && candidateLoss > baselineLoss) {
      return new GateDecision(
          false,
          String.format(
              "hold-out loss %.6g is above the baseline floor %.6g", candidateLoss, baselineLoss),
          ratio);
    }
    return new GateDecision(
        true,
        String.format(
            "hold-out loss %.6g against the current model's %.6g", candidateLoss, currentLoss),
        ratio);
  }

  /** Whether a live or shadow comparison loses by more than the gate allows (plus a tolerance). */
  public boolean worse(double challengerLoss, double referenceLoss, double extraTolerance) {
    return !Double.isFinite(challengerLoss)
        || challengerLoss > referenceLoss * (1 + threshold + extraTolerance);
  }
}
