package org.tftflink.model.online.eval;

/**
 * A method's figures around one drift marker.
 *
 * @param markerMs the marker's event time
 * @param row the first row at or after it (the marker's origin)
 * @param adaptationSteps steps until the rolling MAE is back within the factor of its pre-drift
 *     level (see {@link AdaptationTime}); null when it never is, or the level is unknown
 * @param preDriftMae the mean absolute error over the pre-drift window
 * @param forgetting hold-out loss on the pre-drift regime of the model served after adapting,
 *     relative to the model served at the marker ({@code after / before - 1}; 0.05 = 5% worse);
 *     null for baselines
 * @param beforeVersion the version served at the marker (0 for baselines)
 * @param afterVersion the version served after adapting (or at the end of the post-drift segment)
 */
public record DriftFigure(
    long markerMs,
    int row,
    Integer adaptationSteps,
    double preDriftMae,
    Double forgetting,
    long beforeVersion,
    long afterVersion) {}
