package org.tftflink.model.online.update;

import java.util.List;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * What the learning core needs from a forecaster; values of M are immutable, implementations never
 * mutate inputs. The TFT implements it (org.tftflink.model.online.tft.TftModelOps); tests of the
 * core use a small real model (a linear autoregressive quantile model trained by SGD), never mocks.
 */
public interface ModelOps<M> {
  double[] quantiles();

  /** [window][horizon][quantile] in original units. */
  double[][][] predict(M model, List<TftWindow> windows);

  /**
   * Mean pinball loss over observed horizon points, on the model's training scale (lower is
   * better).
   */
  double loss(M model, List<TrainingSample> samples);

  /**
   * The {@link #loss} of {@code model} on {@code samples} when its forecasts of their windows are
   * already known ({@code forecasts}: per sample {@code [horizon][quantile]}, original units, what
   * {@link #predict} returned): scores a served forecast without a second forward pass. The default
   * runs the model again.
   */
  default double forecastLoss(M model, List<TrainingSample> samples, List<double[][]> forecasts) {
    return loss(model, samples);
  }

  /**
   * A candidate trained from parent's weights (and optimizer state unless settings.resetOptimizer);
   * anchors = replayed samples for EWC / distillation, may be empty. Deterministic for a given
   * seed.
   */
  Candidate<M> train(
      M parent, List<TrainingSample> train, List<TrainingSample> anchors, UpdateSettings settings);

  /**
   * The target's mean and standard deviation the model was fitted on, in original units: what the
   * sample screen measures absurd values against. The default, unknown, leaves that rule off.
   */
  default SampleScreen.Scale targetScale(M model) {
    return SampleScreen.Scale.UNKNOWN;
  }

  /** Bytes for state and audit (the TFT: its envelope incl. optimizer state), and back. */
  byte[] encode(M model);

  M decode(byte[] bytes);
}
