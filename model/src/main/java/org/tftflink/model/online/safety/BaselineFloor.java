package org.tftflink.model.online.safety;

import java.util.List;
import org.tftflink.model.tft.TrainingSample;

/**
 * The floor every promoted model must beat (DESIGN: the seasonal-naive baseline): its mean pinball
 * loss on the hold-out samples, on the same scale as {@code ModelOps.loss}.
 */
@FunctionalInterface
public interface BaselineFloor {
  double loss(List<TrainingSample> holdout);
}
