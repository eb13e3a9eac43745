package org.tftflink.model.online.safety;

/**
 * The gate's verdict on one candidate.
 *
 * @param passed whether the candidate may be promoted (or enter its shadow period)
 * @param reason why, in words for the audit event
 * @param ratio the candidate's hold-out loss over the current model's (NaN if not computed)
 */
public record GateDecision(boolean passed, String reason, double ratio) {}
