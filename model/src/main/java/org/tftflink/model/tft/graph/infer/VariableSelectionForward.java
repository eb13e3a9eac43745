package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.graph.PerVariableGrns;

/**
 * Forward pass of a {@code VariableSelectionNetwork} (TFT paper eqs. 6-8): selection weights {@code
 * softmax(GRN_flat(Ξ, c))} over the flattened per-variable embeddings {@code Ξ}, and the weighted
 * sum of the per-variable GRNs' outputs (run by {@link PerVariableGrns}, the training path's own
 * block over the same parameter arrays).
 */
final class VariableSelectionForward {

  /** The selected rows {@code [N, hidden]} and the selection weights {@code [N, variables]}. */
  record Output(INDArray selected, INDArray weights) {}

  private final int variables;
  private final int inputSize;
  private final GatedResidualNetworkForward flat;
  private final PerVariableGrns perVariable;

  /**
   * @param context whether the selection is conditioned on a static context
   * @param perVariable the network's per-variable GRNs
   */
  VariableSelectionForward(
      String scope,
      int variables,
      int inputSize,
      boolean context,
      long rowsPerWindow,
      PerVariableGrns perVariable) {
    this.variables = variables;
    this.inputSize = inputSize;
    this.perVariable = perVariable;
    this.flat =
        new GatedResidualNetworkForward(
            scope + "/flat_grn", variables * inputSize != variables, context, rowsPerWindow);
  }

  /**
   * @param embedded per-variable embeddings {@code [variables, N, inputSize]}
   * @param context the static context {@code [B, hidden]}, or null
   */
  Output forward(Parameters p, INDArray embedded, INDArray context) {
    long n = embedded.size(1);
    INDArray flattened =
        embedded.permute(1, 0, 2).dup('c').reshape(n, (long) variables * inputSize);
    INDArray weights = Rows.softmax(flat.forward(p, flattened, context));
    INDArray mask = perVariable.dropoutMask() == null ? null : p.feed(perVariable.dropoutMask());
    INDArray selected = perVariable.forward(embedded, weights, mask, false).output();
    return new Output(selected, weights);
  }
}
