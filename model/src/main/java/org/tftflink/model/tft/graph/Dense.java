package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A fully connected layer on rows {@code [N, in]}, or, with {@code variables > 0}, one independent
 * layer per variable on {@code [variables, N, in]} computed as a single batched matmul (fewer,
 * larger ops win in SameDiff).
 */
public final class Dense {
  private final String scope;
  private final long in;
  private final long out;
  private final long variables;
  private final boolean bias;

  public Dense(String scope, long in, long out, long variables, boolean bias) {
    this.scope = scope;
    this.in = in;
    this.out = out;
    this.variables = variables;
    this.bias = bias;
  }

  public Dense(String scope, long in, long out) {
    this(scope, in, out, 0, true);
  }

  public SDVariable build(GraphContext g, SDVariable x) {
    if (variables > 0) {
      SDVariable w = g.weight(scope + "/W", variables, in, out);
      SDVariable y = g.sd().mmul(x, w);
      return bias ? y.add(g.zeros(scope + "/b", variables, 1, out)) : y;
    }
    SDVariable w = g.weight(scope + "/W", in, out);
    SDVariable y = x.mmul(w);
    return bias ? y.add(g.zeros(scope + "/b", out)) : y;
  }
}
