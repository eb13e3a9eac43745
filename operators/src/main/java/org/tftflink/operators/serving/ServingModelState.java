package org.tftflink.operators.serving;

/**
 * The model a subtask serves, as kept in broadcast state: the accepted message (a plain envelope or
 * a serving plan: an ensemble, a canary) and its (epoch, version), whether it is a canary, the
 * highest epoch of any intact model message seen, and the epoch floor set at the last restore. A
 * Flink POJO (public fields, no-arg constructor): its layout is part of the savepoint format
 * (savepoints-docs/).
 */
public class ServingModelState {

  /** Marks "no model accepted yet" and "no restore floor". */
  public static final long NONE = Long.MIN_VALUE;

  /**
   * The accepted model message, unsigned ({@code ServingPlanSerializer} format: a plain envelope of
   * ModelDataSerializer, or a plan wrapper), or null while serving the baseline.
   */
  public byte[] envelope;

  public long epoch = NONE;
  public long version = NONE;

  /**
   * Whether the accepted message is a canary plan (added with canary rollouts; false when restored
   * from older state, which held no canary): the full rollout of the same (epoch, version) is
   * newer.
   */
  public boolean canary;

  /** Highest epoch of any intact model message ever processed, accepted or not. */
  public long highestEpochSeen = NONE;

  /** After a restore: only epochs above this are accepted (the timeline rule). */
  public long restoreFloorEpoch = NONE;

  public ServingModelState() {}

  public boolean hasModel() {
    return envelope != null;
  }
}
