package org.tftflink.model.online.update;

import java.util.Set;

/**
 * One update's settings, derived from OnlineConfig by the learner (lower lr after drift, warm
 * restarts...).
 *
 * @param learningRate the step size of this update
 * @param epochs passes over the training samples
 * @param batchSize samples per optimizer step
 * @param clipNorm gradient clipping (global norm); 0 = off
 * @param resetOptimizer warm restart: fresh Adam moments
 * @param trainableBlocks empty = all; otherwise block scopes, e.g. "decoder", "output"
 * @param ewcWeight 0 = off; diagonal Fisher computed on the anchors
 * @param distillationWeight 0 = off; keeps candidate outputs near the parent's on the anchors
 * @param seed seeds shuffling and dropout, so an update is reproducible
 */
public record UpdateSettings(
    double learningRate,
    int epochs,
    int batchSize,
    double clipNorm,
    boolean resetOptimizer,
    Set<String> trainableBlocks,
    double ewcWeight,
    double distillationWeight,
    long seed) {}
