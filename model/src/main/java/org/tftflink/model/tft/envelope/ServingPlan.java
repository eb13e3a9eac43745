package org.tftflink.model.tft.envelope;

import java.util.List;

/**
 * What inference serves, as one {@code tft-models} message: a group of one model or of an
 * ensemble's members with their weights, and during a canary rollout a second group that serves a
 * hash-chosen share of the hosts while the first keeps serving the rest. Its (epoch, version,
 * canary) orders it on the timeline: the version is the newest group's, and the full rollout of a
 * version follows its canary.
 *
 * @param epoch the trainer's epoch (timeline rule)
 * @param version the version the plan is known by: the canary group's during a canary, else the
 *     stable group's
 * @param stable what every host not in the canary serves
 * @param canary what the canary hosts serve, or null when no canary runs
 * @param canaryShare share of hosts in the canary, in (0, 1); 0 when none runs
 */
public record ServingPlan(
    long epoch, long version, Group stable, Group canary, double canaryShare) {

  /** Members one group may hold: a bound on what a serving subtask keeps in memory. */
  public static final int MAX_MEMBERS = 20;

  /**
   * One group: its members, newest first, and their weights (normalized to sum to 1).
   *
   * @param members model envelopes, newest first; the first member's version is the group's
   * @param weights one per member, finite and non-negative, not all 0
   */
  public record Group(List<ModelData> members, double[] weights) {
    public Group {
      members = List.copyOf(members);
      if (members.isEmpty() || members.size() > MAX_MEMBERS) {
        throw new InvalidModelDataException(
            "a serving group needs 1 to " + MAX_MEMBERS + " members, got " + members.size());
      }
      if (weights == null || weights.length != members.size()) {
        throw new InvalidModelDataException(
            "a serving group needs one weight per member: "
                + members.size()
                + " members, "
                + (weights == null ? 0 : weights.length)
                + " weights");
      }
      double sum = 0;
      for (double w : weights) {
        if (!Double.isFinite(w) || w < 0) {
          throw new InvalidModelDataException("ensemble weight " + w + " is not a finite w >= 0");
        }
        sum += w;
      }
      if (sum <= 0) {
        throw new InvalidModelDataException("ensemble weights sum to 0");
      }
      double[] normalized = new double[weights.length];
      for (int i = 0; i < weights.length; i++) {
        normalized[i] = weights[i] / sum;
      }
      weights = normalized;
    }

    /** One model with weight 1. */
    public static Group of(ModelData model) {
      return new Group(List.of(model), new double[] {1.0});
    }

    @Override
    public double[] weights() {
      return weights.clone();
    }

    /** The newest member's version. */
    public long version() {
      return members.get(0).modelVersion();
    }
  }

  public ServingPlan {
    if (stable == null) {
      throw new InvalidModelDataException("a serving plan needs a stable group");
    }
    if (canary != null && !(canaryShare > 0 && canaryShare < 1)) {
      throw new InvalidModelDataException(
          "a canary needs a share of hosts in (0, 1), got " + canaryShare);
    }
    if (canary == null) {
      canaryShare = 0;
    }
    long newest = canary == null ? stable.version() : canary.version();
    if (version != newest) {
      throw new InvalidModelDataException(
          "a serving plan is known by its newest group's version " + newest + ", got " + version);
    }
  }

  /** The plan of a plain envelope: that model for every host. */
  public static ServingPlan single(ModelData model) {
    return new ServingPlan(model.epoch(), model.modelVersion(), Group.of(model), null, 0);
  }

  public boolean hasCanary() {
    return canary != null;
  }

  /** Every member of both groups. */
  public List<ModelData> allMembers() {
    if (canary == null) {
      return stable.members();
    }
    List<ModelData> all = new java.util.ArrayList<>(stable.members());
    all.addAll(canary.members());
    return all;
  }
}
