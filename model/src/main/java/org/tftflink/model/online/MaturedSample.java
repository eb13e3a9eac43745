package org.tftflink.model.online;

import org.tftflink.model.tft.TrainingSample;

/**
 * A forecast whose whole horizon has matured: what the model saw, what happened, what was served.
 *
 * <p>Feedback delay: a sample exists only once every step of its horizon has an actual (or a {@code
 * NaN} for a step that is known to be missing); the producer (the inference operator or the
 * evaluation loop) guarantees it, and the learner rejects samples whose actuals do not have the
 * served horizon's length. Every sample was scored when it was served, before its actuals train
 * anything (prequential order).
 *
 * @param host the series key
 * @param originMs event time at which the forecast was issued (end of the last history step)
 * @param sample window + horizon actuals in original units ({@code NaN} = missing)
 * @param served {@code [horizon][quantile]} forecast that was served, original units
 * @param servedVersion the model version that served it
 */
public record MaturedSample(
    String host, long originMs, TrainingSample sample, double[][] served, long servedVersion) {}
