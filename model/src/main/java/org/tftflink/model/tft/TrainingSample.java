package org.tftflink.model.tft;

/**
 * A window with its horizon actuals in original units ({@code NaN} marks a missing actual, left out
 * of the loss).
 */
public record TrainingSample(TftWindow window, double[] futureTarget) {}
