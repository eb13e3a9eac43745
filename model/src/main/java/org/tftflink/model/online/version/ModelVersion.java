package org.tftflink.model.online.version;

/**
 * One entry of the version history (metadata only; weights live in {@link VersionHistory}).
 *
 * @param version the number, growing by one per candidate or restore
 * @param parent the version it was trained from (or restored over); 0 for the initial one
 * @param restoredFrom for a restore, the version whose weights it carries; otherwise 0
 * @param createdAtMs the learner's event time
 * @param status initial, promoted, rejected or restored
 * @param reason why it exists: schedule, drift, command, rollback, or why it was rejected
 * @param trainLoss the candidate's training loss (NaN if none)
 * @param holdoutLoss its hold-out loss at the gate (NaN if none)
 * @param parentHoldoutLoss the parent's hold-out loss on the same samples (NaN if none)
 */
public record ModelVersion(
    long version,
    long parent,
    long restoredFrom,
    long createdAtMs,
    VersionStatus status,
    String reason,
    double trainLoss,
    double holdoutLoss,
    double parentHoldoutLoss) {

  public boolean served() {
    return status != VersionStatus.REJECTED;
  }
}
