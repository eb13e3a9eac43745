package org.tftflink.model.online;

/**
 * The learner's running counts, for the evaluation report and metrics.
 *
 * @param updates updates that ran to an outcome
 * @param promotions candidates promoted
 * @param rejections candidates rejected (gate, shadow, abort or stale)
 * @param aborted of the rejections, updates aborted (non-finite loss or weights, training error)
 * @param rollbacks automatic rollbacks and rollback or pin commands that restored a version
 * @param breakerOpenings times the circuit breaker opened
 * @param drifts drifts detected
 * @param activeSeen trainable samples the active-learning filter saw
 * @param activeSkipped of those, samples it skipped
 * @param suspect samples the screen found implausible (never trained on, replayed or held out)
 * @param poisonedBatches updates that failed the gate because too many of their samples were
 *     suspect
 */
public record LearnerCounters(
    long updates,
    long promotions,
    long rejections,
    long aborted,
    long rollbacks,
    long breakerOpenings,
    long drifts,
    long activeSeen,
    long activeSkipped,
    long suspect,
    long poisonedBatches) {

  /** Share of trainable samples active learning skipped (0 when none seen). */
  public double skippedShare() {
    return activeSeen == 0 ? 0 : (double) activeSkipped / activeSeen;
  }
}
