package org.tftflink.model.online.version;

/** What became of a version. */
public enum VersionStatus {
  /** The model the learner started from. */
  INITIAL,
  /** Passed the gate (and the shadow period) and was served. */
  PROMOTED,
  /** Failed the gate or the shadow period, or was aborted; never served. */
  REJECTED,
  /** A new version carrying an earlier version's weights ({@code restoredFrom}). */
  RESTORED
}
