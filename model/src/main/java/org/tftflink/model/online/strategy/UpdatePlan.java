package org.tftflink.model.online.strategy;

import java.util.List;
import org.tftflink.model.tft.TrainingSample;

/**
 * The samples one update trains on, and the anchors for EWC / distillation.
 *
 * @param train new and replayed samples, at most {@code max_update_samples}
 * @param anchors replayed samples the candidate must stay close on (may be empty)
 * @param fresh how many of train are new
 * @param replayed how many of train came from the replay buffer
 */
public record UpdatePlan(
    List<TrainingSample> train, List<TrainingSample> anchors, int fresh, int replayed) {}
