package org.tftflink.model.tft.train;

/** Figures of one training epoch. */
public record EpochReport(
    int epoch,
    double trainLoss,
    double validationLoss,
    double samplesPerSecond,
    double learningRate,
    long elapsedMs,
    long etaMs,
    boolean improved) {

  /** The progress line printed per epoch. */
  public String line(int maxEpochs) {
    return String.format(
        java.util.Locale.ROOT,
        "epoch %d/%d  loss %.5f  val_loss %.5f%s  lr %.1e  %.1f samples/s  elapsed %ds  ETA %ds",
        epoch,
        maxEpochs,
        trainLoss,
        validationLoss,
        improved ? " *" : "  ",
        learningRate,
        samplesPerSecond,
        elapsedMs / 1000,
        etaMs / 1000);
  }
}
