package org.tftflink.model.tft;

/**
 * One window's forecast in original units with its interpretability outputs.
 *
 * @param quantiles the quantile levels, e.g. 0.1, 0.5, 0.9
 * @param values {@code [horizon][quantiles]}, non-decreasing along the quantiles
 * @param attention head-averaged attention {@code [horizon][encoderLength + horizon]}
 * @param staticWeights static variable selection weights (categoricals, static reals, target
 *     location, scale)
 * @param encoderWeights {@code [encoderLength][encoderVariables]}
 * @param decoderWeights {@code [horizon][decoderVariables]}
 */
public record Forecast(
    double[] quantiles,
    double[][] values,
    double[][] attention,
    double[] staticWeights,
    double[][] encoderWeights,
    double[][] decoderWeights) {

  /**
   * Value of quantile level {@code q} (which must be one of {@link #quantiles()}) at horizon step
   * {@code step}.
   */
  public double value(int step, double q) {
    for (int k = 0; k < quantiles.length; k++) {
      if (Math.abs(quantiles[k] - q) < 1e-12) {
        return values[step][k];
      }
    }
    throw new IllegalArgumentException("quantile " + q + " is not among the model's quantiles");
  }
}
