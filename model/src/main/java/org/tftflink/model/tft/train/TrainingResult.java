package org.tftflink.model.tft.train;

import java.util.List;

/**
 * Outcome of a training run: per-epoch figures, the best epoch (whose weights the model now holds)
 * and its loss.
 */
public record TrainingResult(
    List<EpochReport> epochs,
    int bestEpoch,
    double bestValidationLoss,
    long trainSamples,
    long elapsedMs,
    boolean stoppedEarly,
    boolean stoppedByTimeBudget) {}
