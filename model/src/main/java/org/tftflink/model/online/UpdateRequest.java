package org.tftflink.model.online;

import java.util.List;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TrainingSample;

/**
 * Everything one update needs, copied out of the learner so that {@link #run} is pure and may run
 * on another thread while the learner keeps observing.
 *
 * @param id the update's sequence number (1, 2, ...), echoed by its outcome
 * @param reason why it runs: schedule, drift, command or periodic
 * @param requestedAtMs the learner's event time when the update was requested
 * @param parentVersion the version trained from
 * @param parent the model trained from
 * @param train the samples to train on (new and replayed)
 * @param anchors replayed samples for EWC / distillation (may be empty)
 * @param holdout the gate's samples, never trained on
 * @param settings learning rate, epochs, warm restart and the rest
 * @param memberVersions ensemble members whose hold-out loss is refreshed (may be empty)
 * @param members their models, same order
 */
public record UpdateRequest<M>(
    long id,
    String reason,
    long requestedAtMs,
    long parentVersion,
    M parent,
    List<TrainingSample> train,
    List<TrainingSample> anchors,
    List<TrainingSample> holdout,
    UpdateSettings settings,
    List<Long> memberVersions,
    List<M> members) {

  public UpdateRequest {
    train = List.copyOf(train);
    anchors = List.copyOf(anchors);
    holdout = List.copyOf(holdout);
    memberVersions = List.copyOf(memberVersions);
    members = List.copyOf(members);
  }

  /** Trains the candidate and scores it, its parent and the ensemble members on the hold-out. */
  public UpdateOutcome<M> run(ModelOps<M> ops) {
    long t0 = System.nanoTime(); // measured for the report only, never for a decision
    Candidate<M> candidate;
    try {
      candidate = ops.train(parent, train, anchors, settings);
    } catch (RuntimeException e) {
      // a model that throws while training must not take the learner down; the update fails
      candidate = new Candidate<>(null, Double.NaN, 0, train.size(), "training failed: " + e);
    }
    if (!candidate.aborted() && !Double.isFinite(candidate.trainLoss())) {
      candidate =
          new Candidate<>(
              null,
              candidate.trainLoss(),
              candidate.steps(),
              candidate.samples(),
              "non-finite training loss " + candidate.trainLoss());
    }
    return score(candidate, ops, t0);
  }

  /**
   * The outcome of {@code candidate}, trained elsewhere (a federated round's average): scores it,
   * its parent and the ensemble members on the hold-out as {@link #run} does.
   *
   * @param startNanos {@code System.nanoTime()} when its training began, for the report only
   */
  public UpdateOutcome<M> score(Candidate<M> candidate, ModelOps<M> ops, long startNanos) {
    double candidateLoss = Double.NaN;
    double parentLoss = Double.NaN;
    if (!candidate.aborted() && !holdout.isEmpty()) {
      candidateLoss = ops.loss(candidate.model(), holdout);
      parentLoss = ops.loss(parent, holdout);
    }
    double[] memberLosses = new double[members.size()];
    for (int i = 0; i < members.size(); i++) {
      memberLosses[i] = holdout.isEmpty() ? Double.NaN : ops.loss(members.get(i), holdout);
    }
    return new UpdateOutcome<>(
        this, candidate, candidateLoss, parentLoss, memberLosses, System.nanoTime() - startNanos);
  }

  /** The figures, not the samples and models (a request holds thousands of arrays). */
  @Override
  public String toString() {
    return "UpdateRequest[id="
        + id
        + ", reason="
        + reason
        + ", requestedAtMs="
        + requestedAtMs
        + ", parentVersion="
        + parentVersion
        + ", train="
        + train.size()
        + ", anchors="
        + anchors.size()
        + ", holdout="
        + holdout.size()
        + ", settings="
        + settings
        + ", members="
        + memberVersions
        + "]";
  }
}
