package org.tftflink.model.tft.train;

import java.util.Set;

/**
 * One fine-tuning run's settings; its length is bounded by epochs and steps, never by wall time, so
 * that a replayed update takes the same steps.
 *
 * @param epochs passes over the training samples, each in a fresh seeded order
 * @param batchSize samples per Adam step (any size: gradients accumulate over passes)
 * @param maxSteps a cap on Adam steps over all epochs; 0 = epochs alone bound the run
 * @param clipNorm global-norm clipping of the trainable parameters' gradient; 0 = off
 * @param resetOptimizer warm restart: fresh Adam moments and iteration 0 instead of the saved state
 * @param trainableBlocks {@link ModelBlocks} names; empty = every parameter
 * @param ewcWeight λ of the elastic-weight-consolidation penalty on the anchors; 0 = off
 * @param distillationWeight weight of the teacher-student term on the anchors; 0 = off
 * @param seed shuffling and dropout masks
 */
public record FineTuneSettings(
    double learningRate,
    int epochs,
    int batchSize,
    int maxSteps,
    double clipNorm,
    boolean resetOptimizer,
    Set<String> trainableBlocks,
    double ewcWeight,
    double distillationWeight,
    long seed) {

  public FineTuneSettings {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "fine-tuning learning rate must be positive and finite, got " + learningRate);
    }
    if (epochs < 1 || batchSize < 1 || maxSteps < 0) {
      throw new IllegalArgumentException(
          "fine-tuning needs epochs >= 1, batch size >= 1 and max steps >= 0, got "
              + epochs
              + ", "
              + batchSize
              + ", "
              + maxSteps);
    }
    for (double w : new double[] {clipNorm, ewcWeight, distillationWeight}) {
      if (!(w >= 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException(
            "clip norm, EWC and distillation weights must be finite and >= 0, got "
                + clipNorm
                + ", "
                + ewcWeight
                + ", "
                + distillationWeight);
      }
    }
    trainableBlocks = Set.copyOf(trainableBlocks);
  }

  /** Plain fine-tuning of every block: continue Adam, no EWC, no distillation. */
  public static FineTuneSettings of(double learningRate, int epochs, int batchSize, long seed) {
    return new FineTuneSettings(
        learningRate, epochs, batchSize, 0, 1.0, false, Set.of(), 0, 0, seed);
  }
}
