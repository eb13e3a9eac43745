package org.tftflink.model.online;

import java.util.List;

/**
 * What the learner serves: one member, or an ensemble's members with their weights (summing to 1).
 *
 * @param versions the member versions, newest first
 * @param models the members' models, in the same order
 * @param weights the members' weights, in the same order
 */
public record Served<M>(List<Long> versions, List<M> models, double[] weights) {
  public Served {
    versions = List.copyOf(versions);
    models = List.copyOf(models);
    weights = weights.clone();
    if (versions.size() != models.size()
        || models.size() != weights.length
        || weights.length == 0) {
      throw new IllegalArgumentException(
          "Served needs one weight per member and at least one member, got "
              + versions.size()
              + " versions, "
              + models.size()
              + " models, "
              + weights.length
              + " weights");
    }
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /** The newest member's version (what the forecasts' model.version carries). */
  public long version() {
    return versions.get(0);
  }
}
