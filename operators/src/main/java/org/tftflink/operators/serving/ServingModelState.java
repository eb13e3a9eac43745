package org.tftflink.operators.serving;

/**
 * The model a subtask serves, as kept in broadcast state: the accepted envelope and its (epoch,
 * version), the highest epoch of any intact model message seen, and the epoch floor set at the last
 * restore. A Flink POJO (public fields, no-arg constructor): its layout is part of the savepoint
 * format (savepoints-docs/).
 */
public class ServingModelState {

  /** Marks "no model accepted yet" and "no restore floor". */
  public static final long NONE = Long.MIN_VALUE;

  /**
   * The accepted model envelope (ModelDataSerializer format), or null while serving the baseline.
   */
  public byte[] envelope;

  public long epoch = NONE;
  public long version = NONE;

  /** Highest epoch of any intact model message ever processed, accepted or not. */
  public long highestEpochSeen = NONE;

  /** After a restore: only epochs above this are accepted (the timeline rule). */
  public long restoreFloorEpoch = NONE;

  public ServingModelState() {}

  public boolean hasModel() {
    return envelope != null;
  }
}
