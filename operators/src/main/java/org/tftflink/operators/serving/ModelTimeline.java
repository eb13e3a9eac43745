package org.tftflink.operators.serving;

/**
 * The timeline rule of DESIGN.md: a restored operator keeps its own model and accepts only model
 * messages of an epoch above the highest it had seen when the snapshot was taken; otherwise the
 * newest (epoch, version) wins and versions never go backwards; a version's full rollout follows
 * its canary (same epoch and version, canary first). Pure decisions on {@link ServingModelState},
 * so that every subtask, seeing the same messages in the same order, decides the same.
 */
public final class ModelTimeline {

  /** What to do with an intact model message. */
  public enum Verdict {
    /** Newer than the served model and on the live timeline: load it. */
    ACCEPT,
    /**
     * Its epoch is not above the restore floor: it belongs to a timeline abandoned by a restore.
     */
    ABANDONED_TIMELINE,
    /** Not newer than the served (epoch, version): a replay or an out-of-date message. */
    NOT_NEWER
  }

  private ModelTimeline() {}

  /** Records that an intact message of {@code epoch} was seen and decides whether to load it. */
  public static Verdict observe(ServingModelState state, long epoch, long version) {
    return observe(state, epoch, version, false);
  }

  /**
   * As {@link #observe(ServingModelState, long, long)}, for a message that is a canary or not: the
   * full rollout of the served canary's (epoch, version) is newer than it.
   */
  public static Verdict observe(ServingModelState state, long epoch, long version, boolean canary) {
    state.highestEpochSeen = Math.max(state.highestEpochSeen, epoch);
    if (state.restoreFloorEpoch != ServingModelState.NONE && epoch <= state.restoreFloorEpoch) {
      return Verdict.ABANDONED_TIMELINE;
    }
    if (state.hasModel()) {
      boolean older = epoch < state.epoch || (epoch == state.epoch && version < state.version);
      boolean same = epoch == state.epoch && version == state.version;
      boolean fullAfterCanary = same && state.canary && !canary;
      if (older || (same && !fullAfterCanary)) {
        return Verdict.NOT_NEWER;
      }
    }
    return Verdict.ACCEPT;
  }

  /** After a restore, messages must come from a newer epoch than any seen before the snapshot. */
  public static void restored(ServingModelState state) {
    state.restoreFloorEpoch = state.highestEpochSeen;
  }

  /** Marks {@code envelope} as the served model. */
  public static void accept(ServingModelState state, byte[] envelope, long epoch, long version) {
    accept(state, envelope, epoch, version, false);
  }

  /** Marks {@code message} (a plain envelope or a serving plan) as served. */
  public static void accept(
      ServingModelState state, byte[] message, long epoch, long version, boolean canary) {
    state.envelope = message;
    state.epoch = epoch;
    state.version = version;
    state.canary = canary;
  }
}
