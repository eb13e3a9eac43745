package org.tftflink.operators.serving;

import java.util.Arrays;
import java.util.Optional;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.envelope.ModelData;

/**
 * Whether a published model can serve this job: the same horizon, quantiles, observed columns and
 * step as the job, calendar known reals, static inputs the job can supply, and an encoder the
 * history ring can fill. A model that does not fit is rejected, never loaded.
 */
public final class ModelFit {

  /** Training figure naming the grid step (ms) a model was trained on; checked when present. */
  public static final String STEP_MILLIS_FIGURE = "stepMillis";

  private ModelFit() {}

  /** The first reason why {@code model} cannot serve the job, or empty if it fits. */
  public static Optional<String> problem(
      ModelData model, StepGridConfig grid, BaselineConfig baseline, ServingConfig serving) {
    TftConfig c = model.config();
    if (c.horizon() != baseline.horizon()) {
      return Optional.of(
          "horizon " + c.horizon() + " differs from the job's " + baseline.horizon());
    }
    if (!Arrays.equals(c.quantiles(), baseline.quantiles())) {
      return Optional.of(
          "quantiles "
              + Arrays.toString(c.quantiles())
              + " differ from the job's "
              + Arrays.toString(baseline.quantiles()));
    }
    if (c.observedReals() != grid.columns()) {
      return Optional.of(
          c.observedReals()
              + " observed reals, the job has "
              + grid.columns()
              + " columns (target "
              + grid.target()
              + ", covariates "
              + grid.covariates()
              + ")");
    }
    if (c.knownReals() != TftWindows.KNOWN_REALS) {
      return Optional.of(
          c.knownReals()
              + " known reals, the job supplies "
              + TftWindows.KNOWN_REALS
              + " (hour of day, day of week)");
    }
    int statics = 1 + serving.tagNames().size();
    if (c.staticCategoricals() != 0 && c.staticCategoricals() != statics) {
      return Optional.of(
          c.staticCategoricals()
              + " static categoricals, the job supplies 0 or "
              + statics
              + " (host, then tags "
              + serving.tagNames()
              + ")");
    }
    if (c.staticReals() != 0) {
      return Optional.of(c.staticReals() + " static reals, the job supplies none");
    }
    if (c.encoderLength() > grid.capacitySteps()) {
      return Optional.of(
          "encoder length "
              + c.encoderLength()
              + " exceeds the history ring of "
              + grid.capacitySteps()
              + " steps (raise model.encoder_length)");
    }
    Double step = model.trainingFigures().get(STEP_MILLIS_FIGURE);
    if (step != null && step.longValue() != grid.stepMillis()) {
      return Optional.of(
          "trained on a "
              + step.longValue()
              + " ms step, the job's step is "
              + grid.stepMillis()
              + " ms");
    }
    return Optional.empty();
  }
}
