package org.tftflink.operators.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;

/**
 * Writes what a trainer shard serves as one {@code tft-models} message: the learner's served
 * members with their weights (one model: its plain envelope, as before ensembles; an ensemble: a
 * serving plan), and during a canary the stable group beside it. The newest member carries the
 * lineage (parent, {@code restoredFrom}, gate figures); older members are written with their own
 * version and no lineage, which serving does not read.
 */
final class ServingPlans {

  private final VersionEnvelopes envelopes;

  ServingPlans(VersionEnvelopes envelopes) {
    this.envelopes = envelopes;
  }

  /**
   * @param stable what every host is served, or (with a canary) the hosts outside it
   * @param canary what the canary hosts are served, or null
   */
  byte[] write(
      Served<TftWeights> stable,
      Served<TftWeights> canary,
      double canaryShare,
      long epoch,
      long parent,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> validation) {
    Served<TftWeights> newest = canary == null ? stable : canary;
    ServingPlan.Group top = group(newest, epoch, parent, restoredFrom, createdAtMs, validation);
    ServingPlan plan =
        canary == null
            ? new ServingPlan(epoch, newest.version(), top, null, 0)
            : new ServingPlan(
                epoch,
                newest.version(),
                group(stable, epoch, ModelData.NONE, ModelData.NONE, createdAtMs, Map.of()),
                top,
                canaryShare);
    return ServingPlanSerializer.serialize(plan);
  }

  private ServingPlan.Group group(
      Served<TftWeights> served,
      long epoch,
      long parent,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> validation) {
    List<ModelData> members = new ArrayList<>();
    for (int i = 0; i < served.models().size(); i++) {
      boolean newest = i == 0;
      members.add(
          envelopes.data(
              served.models().get(i),
              served.versions().get(i),
              epoch,
              newest ? parent : ModelData.NONE,
              newest ? restoredFrom : ModelData.NONE,
              createdAtMs,
              newest ? validation : Map.of()));
    }
    return new ServingPlan.Group(members, served.weights());
  }
}
