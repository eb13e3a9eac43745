package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * GRN of the TFT paper (eqs. 2-4): {@code LayerNorm(a + GLU(W1 ELU(W2 a + W3 c + b2) + b1))}, with
 * a linear skip when input and output sizes differ, and an optional static context added before the
 * ELU.
 */
public final class GatedResidualNetwork {
  private final String scope;
  private final long in;
  private final long hidden;
  private final long out;
  private final long contextSize;
  private final long variables;
  private final long rowsPerWindow;

  /**
   * @param contextSize size of the static context vector, 0 for none (not supported with {@code
   *     variables > 0})
   * @param variables 0 for one GRN on rows {@code [N, in]}, else one GRN per variable on {@code
   *     [variables, N, in]}
   * @param rowsPerWindow rows of N per window: the context {@code [B, contextSize]} is broadcast
   *     over them
   */
  public GatedResidualNetwork(
      String scope,
      long in,
      long hidden,
      long out,
      long contextSize,
      long variables,
      long rowsPerWindow) {
    if (contextSize > 0 && variables > 0) {
      throw new IllegalArgumentException("per-variable GRNs take no context (scope " + scope + ")");
    }
    this.scope = scope;
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    this.contextSize = contextSize;
    this.variables = variables;
    this.rowsPerWindow = rowsPerWindow;
  }

  public SDVariable build(GraphContext g, SDVariable x, SDVariable context) {
    SDVariable residual =
        in == out ? x : new Dense(scope + "/skip", in, out, variables, true).build(g, x);
    SDVariable h = new Dense(scope + "/fc1", in, hidden, variables, true).build(g, x);
    if (contextSize > 0) {
      SDVariable c = new Dense(scope + "/context", contextSize, hidden, 0, false).build(g, context);
      // rows are [B*T, hidden]: add the per-window context to each of the window's T rows
      h =
          rowsPerWindow == 1
              ? h.add(c)
              : h.reshape(-1, rowsPerWindow, hidden)
                  .add(c.reshape(-1, 1, hidden))
                  .reshape(-1, hidden);
    }
    h = g.sd().nn.elu(h);
    h = new Dense(scope + "/fc2", hidden, hidden, variables, true).build(g, h);
    return new GateAddNorm(scope + "/gate_norm", hidden, out, variables, rowsPerWindow)
        .build(g, h, residual);
  }
}
