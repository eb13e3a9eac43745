package org.tftflink.model.online;

import org.tftflink.model.online.control.Command;
import org.tftflink.model.online.version.VersionStatus;

/**
 * The operator commands of the tft-control topic applied to the learner: rollback and pin make a
 * new version carrying an earlier one's weights, pin and pause stop updates, update-now asks for
 * one.
 */
final class Commands<M> {
  private final LearnerState<M> st;
  private final Promotions<M> promotions;

  Commands(LearnerState<M> st, Promotions<M> promotions) {
    this.st = st;
    this.promotions = promotions;
  }

  /** Applies an operator command; returns why it was refused, or null. */
  String apply(Command c) {
    switch (c.verb()) {
      case Command.ROLLBACK, Command.PIN -> {
        boolean pin = c.verb().equals(Command.PIN);
        long target = c.version();
        if (target != st.currentVersion()) {
          String why = restorable(target);
          if (why != null) {
            return why;
          }
          promotions.restore(target, "command: " + c.verb() + " " + target);
        } else if (!pin) {
          return "version " + target + " is already served";
        }
        st.pinned |= pin;
        return null;
      }
      case Command.UNPIN -> {
        if (!st.pinned) {
          return "not pinned";
        }
        st.pinned = false;
        return null;
      }
      case Command.PAUSE -> st.paused = true;
      case Command.RESUME -> st.paused = false;
      case Command.UPDATE_NOW -> st.trigger = LearnerState.TRIGGER_NOW;
      default -> {
        return "unknown command " + c.verb();
      }
    }
    return null;
  }

  private String restorable(long target) {
    var v = st.history.get(target);
    if (v.isEmpty()) {
      return "no version " + target + " (latest is " + st.history.latest().version() + ")";
    }
    if (v.get().status() == VersionStatus.REJECTED) {
      return "version " + target + " was rejected and never served";
    }
    if (st.history.model(target).isEmpty()) {
      return "weights of version "
          + target
          + " are no longer kept (keep_model_versions = "
          + st.config.keepModelVersions()
          + "; kept: "
          + st.history.withWeights()
          + ")";
    }
    return null;
  }
}
