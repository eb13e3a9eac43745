package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Gate, add and norm of the TFT paper: {@code LayerNorm(residual + GLU(x))} over the last
 * dimension.
 */
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
    SDVariable gated =
        new GatedLinearUnit(scope + "/glu", in, out, variables, rowsPerWindow).build(g, x);
    SDVariable gain = g.ones(scope + "/norm/gain", out);
    SDVariable bias = g.zeros(scope + "/norm/bias", out);
    int lastDim = variables > 0 ? 2 : 1;
    return layerNorm(gated.add(residual), gain, bias, lastDim);
  }

  /**
   * Layer norm with PyTorch's epsilon, written out because SameDiff's layerNorm has none: on a
   * constant row (a zero input through zero-initialised biases, e.g. a missing indicator that is
   * always 0) it is singular and the gradient check fails by orders of magnitude.
   */
  static SDVariable layerNorm(SDVariable x, SDVariable gain, SDVariable bias, int dim) {
    SDVariable centred = x.sub(x.mean(true, dim));
    SDVariable variance = centred.mul(centred).mean(true, dim);
    return centred.div(variance.add(1e-5).pow(0.5)).mul(gain).add(bias);
  }
}
