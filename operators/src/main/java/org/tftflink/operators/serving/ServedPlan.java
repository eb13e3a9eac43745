package org.tftflink.operators.serving;

import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.online.canary.CanaryHosts;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ServingPlan;

/**
 * A {@link ServingPlan} with its models built: what the stable hosts are served and, during a
 * canary, what the canary hosts ({@link CanaryHosts}) are served, each with the reference its
 * forecasts carry (the group's newest version, the plan's epoch), so that matured samples tell the
 * trainer which group served them.
 */
public record ServedPlan(
    ServedMembers stable,
    ModelRef stableRef,
    ServedMembers canary,
    ModelRef canaryRef,
    double canaryShare) {

  /** Builds every member's model (the plan was checked to fit the job first). */
  public static ServedPlan build(ServingPlan plan) {
    ServedMembers canary = plan.hasCanary() ? members(plan.canary()) : null;
    return new ServedPlan(
        members(plan.stable()),
        ref(plan.stable().version(), plan.epoch()),
        canary,
        plan.hasCanary() ? ref(plan.canary().version(), plan.epoch()) : null,
        plan.canaryShare());
  }

  private static ServedMembers members(ServingPlan.Group g) {
    List<TftModel> models = new ArrayList<>(g.members().size());
    for (ModelData m : g.members()) {
      models.add(m.toModel());
    }
    return new ServedMembers(models, g.weights());
  }

  private static ModelRef ref(long version, long epoch) {
    return new ModelRef(ModelRef.TFT, version, epoch, null);
  }

  /** Whether {@code host} is served by the canary group. */
  public boolean servesCanary(String host) {
    return canary != null && CanaryHosts.inCanary(host, canaryShare);
  }
}
