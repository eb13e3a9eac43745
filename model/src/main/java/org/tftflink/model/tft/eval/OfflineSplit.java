package org.tftflink.model.tft.eval;

import java.util.List;
import org.tftflink.model.tft.TrainingSample;

/**
 * One CSV cut by an evaluation protocol into training, validation and stride-1 test windows, with
 * what scoring needs: the target in the model's units and the affine map back to original units.
 *
 * @param dataset the file name, for reports
 * @param firstTestOrigin the row of the first test forecast; test window {@code w} forecasts from
 *     row {@code firstTestOrigin + w}
 * @param target the target column in the units the model sees (z-scale for ETT, original units for
 *     the half split)
 * @param toOriginalMean and {@code toOriginalScale}: original = model units * scale + mean
 * @param metricScale divides errors for MSE/MAE: the training rows' target std, so that they are on
 *     the z-scale
 * @param seasonPeriod rows per day, for the seasonal-naive baseline
 */
public record OfflineSplit(
    String dataset,
    List<TrainingSample> train,
    List<TrainingSample> validation,
    List<TrainingSample> test,
    int firstTestOrigin,
    double[] target,
    double toOriginalMean,
    double toOriginalScale,
    double metricScale,
    int seasonPeriod) {

  /** Model units to original units. */
  public double toOriginal(double v) {
    return v * toOriginalScale + toOriginalMean;
  }

  /** One line with the window counts. */
  public String describe() {
    return dataset
        + ": "
        + train.size()
        + " train, "
        + validation.size()
        + " validation, "
        + test.size()
        + " test windows";
  }
}
