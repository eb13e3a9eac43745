package org.tftflink.model.online.canary;

import org.tftflink.model.online.LearningEvent;

/**
 * The end of a canary rollout, with what it was decided on: both groups' mean live losses and
 * sample counts.
 *
 * @param outcome what to do with the canary version
 * @param reason why, in words
 * @param canaryVersion the version the canary hosts served
 * @param stableVersion the version the other hosts kept
 * @param canaryLoss mean relative pinball loss of the canary hosts' served forecasts
 * @param stableLoss the same for the other hosts
 * @param canarySamples matured samples the canary loss is the mean of
 * @param stableSamples the same for the stable loss
 * @param share the canary's share of hosts
 * @param tolerance how much worse (as a fraction) the canary could be and still be promoted
 */
public record CanaryDecision(
    Outcome outcome,
    String reason,
    long canaryVersion,
    long stableVersion,
    double canaryLoss,
    double stableLoss,
    long canarySamples,
    long stableSamples,
    double share,
    double tolerance) {

  /** What a canary ends with. */
  public enum Outcome {
    /** The canary version goes to every host. */
    PROMOTE,
    /** Every host goes back to the stable version (as a new version restored from it). */
    ROLL_BACK,
    /** Something else (a rollback or pin command, the rollback watch) replaced the canary. */
    SUPERSEDED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The audit line of this decision, about the canary version. */
  public LearningEvent toEvent(long eventTimeMs) {
    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("decision", outcome.label());
    d.put("reason", reason);
    d.put("canary_version", canaryVersion);
    d.put("stable_version", stableVersion);
    d.put("canary_loss", canaryLoss);
    d.put("stable_loss", stableLoss);
    d.put("canary_samples", canarySamples);
    d.put("stable_samples", stableSamples);
    d.put("share", share);
    d.put("tolerance", tolerance);
    return new LearningEvent(LearningEvent.CANARY_DECIDED, eventTimeMs, canaryVersion, d);
  }
}
