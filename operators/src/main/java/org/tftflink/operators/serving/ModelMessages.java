package org.tftflink.operators.serving;

import java.util.Optional;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * Decides what one message of the {@code tft-models} topic does to the served model: a message the
 * signature policy refuses (unsigned when required, or signed with another key), a corrupt or
 * unreadable envelope, a model that does not fit the job, or one the timeline rule refuses is
 * rejected; otherwise the model is built and becomes the served one. Updates the broadcast state
 * value it is given; the same message and state give the same outcome on every subtask.
 */
public final class ModelMessages {

  /** The outcome: a loaded model and its reference, or why the message was not loaded. */
  public record Outcome(
      TftModel model, ModelRef ref, ModelTimeline.Verdict verdict, String rejection) {

    public boolean accepted() {
      return model != null;
    }

    static Outcome rejected(String why) {
      return new Outcome(null, null, null, why);
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
    byte[] envelope;
    try {
      envelope = serving.signatures().envelopeToLoad(blob);
    } catch (InvalidModelDataException e) {
      return Outcome.rejected(
          "model message ("
              + (blob == null ? 0 : blob.length)
              + " bytes) refused: "
              + e.getMessage());
    }
    ModelData data;
    try {
      data = ModelDataSerializer.deserialize(envelope);
    } catch (InvalidModelDataException e) {
      return Outcome.rejected(
          "unreadable model message ("
              + (blob == null ? 0 : blob.length)
              + " bytes): "
              + e.getMessage());
    }
    ModelTimeline.Verdict verdict = ModelTimeline.observe(state, data.epoch(), data.modelVersion());
    String id = "model version " + data.modelVersion() + " (epoch " + data.epoch() + ")";
    if (verdict == ModelTimeline.Verdict.ABANDONED_TIMELINE) {
      return new Outcome(
          null,
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
          null,
          verdict,
          id
              + " is not newer than the served version "
              + state.version
              + " (epoch "
              + state.epoch
              + ")");
    }
    Optional<String> misfit = ModelFit.problem(data, grid, baseline, serving);
    if (misfit.isPresent()) {
      return Outcome.rejected(id + " does not fit the job: " + misfit.get());
    }
    TftModel model;
    try {
      model = data.toModel();
    } catch (RuntimeException e) {
      return Outcome.rejected(id + " cannot be built: " + e.getMessage());
    }
    // the state keeps the bare envelope: a restore rebuilds it without the key
    ModelTimeline.accept(state, envelope, data.epoch(), data.modelVersion());
    return new Outcome(model, refOf(data), verdict, null);
  }

  /** Rebuilds the model a restored state serves (its envelope was checked when it was accepted). */
  public static TftModel rebuild(ServingModelState state) {
    return ModelDataSerializer.deserialize(state.envelope).toModel();
  }

  public static ModelRef refOf(ServingModelState state) {
    return new ModelRef(ModelRef.TFT, state.version, state.epoch, null);
  }

  private static ModelRef refOf(ModelData data) {
    return new ModelRef(ModelRef.TFT, data.modelVersion(), data.epoch(), null);
  }
}
