package org.tftflink.model.online.update;

/**
 * The outcome of training one candidate: a model, or the reason it was aborted (e.g. non-finite
 * loss).
 *
 * @param model the trained model (the parent, or null, when aborted)
 * @param trainLoss mean training loss of the last epoch
 * @param steps optimizer steps taken
 * @param samples training samples used
 * @param abortReason null when the candidate is usable
 */
public record Candidate<M>(M model, double trainLoss, int steps, int samples, String abortReason) {
  public boolean aborted() {
    return abortReason != null;
  }
}
