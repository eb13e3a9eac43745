package org.tftflink.model.online.strategy;

import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.online.update.UpdateSettings;

/**
 * Turns the configuration into one update's settings: cosine warm restarts over {@code
 * warm_restart_period} updates (each cycle starts with fresh Adam moments), the drift factor for a
 * drift-triggered update, and fresh moments for every periodic retrain.
 */
public final class LearningRateSchedule {
  private LearningRateSchedule() {}

  /**
   * @param updateIndex completed updates so far (the position in the warm-restart cycle)
   * @param afterDrift whether a drift triggered this update
   * @param seed the update's seed
   */
  public static UpdateSettings settings(
      OnlineConfig c, long updateIndex, boolean afterDrift, long seed) {
    double lr = c.onlineLearningRate();
    boolean reset = c.strategy() == Strategy.PERIODIC;
    int period = c.warmRestartPeriod();
    if (period > 0) {
      long k = updateIndex % period;
      double min = c.warmRestartMinFactor();
      lr *= min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * k / period));
      reset |= k == 0 && updateIndex > 0;
    }
    if (afterDrift) {
      lr *= c.driftLearningRateFactor();
    }
    return new UpdateSettings(
        lr,
        c.onlineEpochs(),
        c.onlineBatchSize(),
        c.gradientClipNorm(),
        reset,
        c.trainableBlocks(),
        c.ewcWeight(),
        c.distillationWeight(),
        seed);
  }
}
