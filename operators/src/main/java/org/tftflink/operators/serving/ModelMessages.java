package org.tftflink.operators.serving;

import java.util.List;
import java.util.Optional;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;

/**
 * Decides what one message of the {@code tft-models} topic does to the served model: a message the
 * signature policy refuses (unsigned when required, or signed with another key), a corrupt or
 * unreadable message (a plain envelope, or a serving plan: an ensemble, a canary), a plan with more
 * models than serving keeps, a model that does not fit the job (every member is checked), or one
 * the timeline rule refuses is rejected; otherwise its models are built and become the served ones.
 * Updates the broadcast state value it is given; the same message and state give the same outcome
 * on every subtask.
 */
public final class ModelMessages {

  /** The outcome: the plan to serve, or why the message was not loaded. */
  public record Outcome(ServedPlan plan, ModelTimeline.Verdict verdict, String rejection) {

    public boolean accepted() {
      return plan != null;
    }

    static Outcome rejected(String why) {
      return new Outcome(null, null, why);
    }
  }

  private final StepGridConfig grid;
  private final BaselineConfig baseline;
  private final ServingConfig serving;

  public ModelMessages(StepGridConfig grid, BaselineConfig baseline, ServingConfig serving) {
    this.grid = grid;
    this.baseline = baseline;
    this.serving = serving;
  }

  public Outcome offer(byte[] blob, ServingModelState state) {
    byte[] message;
    try {
      message = serving.signatures().envelopeToLoad(blob);
    } catch (InvalidModelDataException e) {
      return Outcome.rejected(
          "model message ("
              + (blob == null ? 0 : blob.length)
              + " bytes) refused: "
              + e.getMessage());
    }
    ServingPlan plan;
    try {
      plan = ServingPlanSerializer.deserialize(message);
    } catch (InvalidModelDataException e) {
      return Outcome.rejected(
          "unreadable model message ("
              + (blob == null ? 0 : blob.length)
              + " bytes): "
              + e.getMessage());
    }
    ModelTimeline.Verdict verdict =
        ModelTimeline.observe(state, plan.epoch(), plan.version(), plan.hasCanary());
    String id = describe(plan);
    if (verdict == ModelTimeline.Verdict.ABANDONED_TIMELINE) {
      return new Outcome(
          null,
          verdict,
          id
              + " is from a timeline abandoned by the last restore (epoch <= "
              + state.restoreFloorEpoch
              + ")");
    }
    if (verdict == ModelTimeline.Verdict.NOT_NEWER) {
      return new Outcome(
          null,
          verdict,
          id
              + " is not newer than the served version "
              + state.version
              + " (epoch "
              + state.epoch
              + (state.canary ? ", canary" : "")
              + ")");
    }
    List<ModelData> members = plan.allMembers();
    if (members.size() > serving.maxModels()) {
      return Outcome.rejected(
          id
              + " holds "
              + members.size()
              + " models, serving keeps at most "
              + serving.maxModels()
              + " (serving.max_models)");
    }
    TftConfig first = members.get(0).config();
    for (ModelData m : members) {
      Optional<String> misfit = ModelFit.problem(m, grid, baseline, serving);
      if (misfit.isPresent()) {
        return Outcome.rejected(
            id + ": member version " + m.modelVersion() + " does not fit the job: " + misfit.get());
      }
      if (m.config().encoderLength() != first.encoderLength()
          || m.config().staticCategoricals() != first.staticCategoricals()) {
        return Outcome.rejected(
            id
                + ": member version "
                + m.modelVersion()
                + " cuts another window (encoder "
                + m.config().encoderLength()
                + ", "
                + m.config().staticCategoricals()
                + " static categoricals) than version "
                + members.get(0).modelVersion()
                + " (encoder "
                + first.encoderLength()
                + ", "
                + first.staticCategoricals()
                + ")");
      }
    }
    ServedPlan built;
    try {
      built = ServedPlan.build(plan);
    } catch (RuntimeException e) {
      return Outcome.rejected(id + " cannot be built: " + e.getMessage());
    }
    // the state keeps the bare message: a restore rebuilds it without the key
    ModelTimeline.accept(state, message, plan.epoch(), plan.version(), plan.hasCanary());
    return new Outcome(built, verdict, null);
  }

  /** "model version 7 (epoch 2)", with its ensemble size and canary share when it has them. */
  static String describe(ServingPlan plan) {
    StringBuilder b =
        new StringBuilder("model version ")
            .append(plan.version())
            .append(" (epoch ")
            .append(plan.epoch());
    if (plan.stable().members().size() > 1) {
      b.append(", ensemble of ").append(plan.stable().members().size());
    }
    if (plan.hasCanary()) {
      b.append(", canary on ")
          .append(plan.canaryShare())
          .append(" of hosts beside version ")
          .append(plan.stable().version());
    }
    return b.append(')').toString();
  }

  /** Rebuilds what a restored state serves (its message was checked when it was accepted). */
  public static ServedPlan rebuild(ServingModelState state) {
    return ServedPlan.build(ServingPlanSerializer.deserialize(state.envelope));
  }
}
