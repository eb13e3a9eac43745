package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Variable selection network of the TFT paper (eqs. 6-8): softmax weights from a GRN over all
 * flattened inputs (with the optional static context), one GRN per variable, and the weighted sum
 * of their outputs.
 */
public final class VariableSelectionNetwork {

  /**
   * The selected representation {@code [N, hidden]} and the selection weights {@code [N,
   * variables]}.
   */
  public record Output(SDVariable selected, SDVariable weights) {}

  private final String scope;
  private final long variables;
  private final long inputSize;
  private final long hidden;
  private final long contextSize;
  private final long rowsPerWindow;

  public VariableSelectionNetwork(
      String scope,
      long variables,
      long inputSize,
      long hidden,
      long contextSize,
      long rowsPerWindow) {
    this.scope = scope;
    this.variables = variables;
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.contextSize = contextSize;
    this.rowsPerWindow = rowsPerWindow;
  }

  /**
   * The whole network in the graph (the static selection, and the reference of {@link
   * PerVariableGrns} in the gradient checks).
   *
   * @param transformed per-variable embeddings {@code [variables, N, inputSize]}
   */
  public Output build(GraphContext g, SDVariable transformed, SDVariable context) {
    SDVariable weights = weights(g, transformed, context);
    // per-variable GRNs are narrow (hidden min(input, hidden)) as in PyTorch Forecasting: they hold
    // most of the model's activations, [variables, B*T, ·]
    SDVariable processed =
        new GatedResidualNetwork(
                scope + "/var_grn",
                inputSize,
                Math.min(inputSize, hidden),
                hidden,
                0,
                variables,
                rowsPerWindow)
            .build(g, transformed, null);
    SDVariable w = weights.permute(1, 0).reshape(variables, -1, 1);
    return new Output(processed.mul(w).sum(0), weights);
  }

  /**
   * The whole network in the graph, as {@link #build}, and the same per-variable GRNs and weighted
   * sum in Java over the same parameter arrays ({@link PerVariableGrns}): inference runs the graph,
   * training the Java block, whose backward pass is 2-4x faster than SameDiff's there, while its
   * forward pass is slightly slower.
   */
  public Split buildWithJavaGrns(GraphContext g, SDVariable transformed, SDVariable context) {
    Output o = build(g, transformed, context);
    PerVariableGrns grns =
        PerVariableGrns.sharing(
            g,
            scope + "/var_grn",
            (int) variables,
            (int) inputSize,
            (int) Math.min(inputSize, hidden),
            (int) hidden);
    return new Split(o.selected(), o.weights(), grns);
  }

  /** The network's outputs in the graph and its per-variable GRNs in Java. */
  public record Split(SDVariable selected, SDVariable weights, PerVariableGrns grns) {}

  private SDVariable weights(GraphContext g, SDVariable transformed, SDVariable context) {
    SDVariable flat = transformed.permute(1, 0, 2).reshape(-1, variables * inputSize);
    SDVariable logits =
        new GatedResidualNetwork(
                scope + "/flat_grn",
                variables * inputSize,
                Math.min(hidden, variables),
                variables,
                contextSize,
                0,
                rowsPerWindow)
            .build(g, flat, context);
    return g.sd().nn.softmax(scope + "/weights", logits, 1);
  }
}
