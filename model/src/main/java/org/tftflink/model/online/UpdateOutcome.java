package org.tftflink.model.online;

import org.tftflink.model.online.update.Candidate;

/**
 * The result of {@link UpdateRequest#run}: the candidate and its hold-out figures, handed back to
 * {@link OnlineLearner#complete}.
 *
 * @param request the request it answers
 * @param candidate the trained (or aborted) candidate
 * @param candidateHoldoutLoss the candidate's hold-out loss (NaN when aborted or no hold-out)
 * @param parentHoldoutLoss the parent's hold-out loss on the same samples
 * @param memberHoldoutLosses the request's ensemble members' hold-out losses, same order
 * @param trainNanos wall time spent in {@link UpdateRequest#run}, for the report only (never a
 *     decision)
 */
public record UpdateOutcome<M>(
    UpdateRequest<M> request,
    Candidate<M> candidate,
    double candidateHoldoutLoss,
    double parentHoldoutLoss,
    double[] memberHoldoutLosses,
    long trainNanos) {}
