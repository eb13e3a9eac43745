package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/** Gate, add and norm of the TFT paper: {@code LayerNorm(residual + GLU(x))} over the last dimension. */
public final class GateAddNorm {
  private final String scope;
  private final long in;
  private final long out;
  private final long variables;
  private final long rowsPerWindow;

  public GateAddNorm(String scope, long in, long out, long variables, long rowsPerWindow) {
    this.scope = scope;
    this.in = in;
    this.out = out;
    this.variables = variables;
    this.rowsPerWindow = rowsPerWindow;
  }

  public SDVariable build(GraphContext g, SDVariable x, SDVariable residual) {
    SDVariable gated = new GatedLinearUnit(scope + "/glu", in, out, variables, rowsPerWindow).build(g, x);
    SDVariable gain = g.ones(scope + "/norm/gain", out);
    SDVariable bias = g.zeros(scope + "/norm/bias", out);
    int lastDim = variables > 0 ? 2 : 1;
    return g.sd().nn.layerNorm(gated.add(residual), gain, bias, false, lastDim);
  }
}
