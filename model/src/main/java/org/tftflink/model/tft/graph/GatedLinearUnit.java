package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/** GLU of the TFT paper (eq. 5): dropout, then {@code (x W4 + b4) ⊙ σ(x W5 + b5)}. */
public final class GatedLinearUnit {
  private final String scope;
  private final long in;
  private final long out;
  private final long variables;
  private final long rowsPerWindow;

  /**
   * @param variables 0 for shared weights on rows {@code [N, in]}, else the number of per-variable
   *     copies
   * @param rowsPerWindow rows of N that belong to one window (the time steps), used for the dropout
   *     mask shape
   */
  public GatedLinearUnit(String scope, long in, long out, long variables, long rowsPerWindow) {
    this.scope = scope;
    this.in = in;
    this.out = out;
    this.variables = variables;
    this.rowsPerWindow = rowsPerWindow;
  }

  public SDVariable build(GraphContext g, SDVariable x) {
    SDVariable dropped =
        variables > 0
            ? g.dropout(scope, x, new long[] {variables, -1, in}, 1, rowsPerWindow)
            : g.dropout(scope, x, new long[] {-1, in}, 0, rowsPerWindow);
    SDVariable value = new Dense(scope + "/value", in, out, variables, true).build(g, dropped);
    SDVariable gate = new Dense(scope + "/gate", in, out, variables, true).build(g, dropped);
    return value.mul(g.sd().nn.sigmoid(gate));
  }
}
