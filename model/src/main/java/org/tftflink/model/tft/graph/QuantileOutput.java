package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Dense quantile head with non-crossing outputs: the median quantile is free, every other quantile
 * is its neighbour towards the median plus (or minus) a softplus, so q_{k+1} >= q_k holds by
 * construction.
 */
public final class QuantileOutput {
  private final String scope;
  private final long hidden;
  private final int quantiles;
  private final int median;

  public QuantileOutput(String scope, long hidden, int quantiles, int median) {
    this.scope = scope;
    this.hidden = hidden;
    this.quantiles = quantiles;
    this.median = median;
  }

  /** Rows {@code [N, hidden]} to ordered quantiles {@code [N, quantiles]}. */
  public SDVariable build(GraphContext g, SDVariable rows) {
    SDVariable raw = new Dense(scope + "/dense", hidden, quantiles).build(g, rows);
    SDVariable[] out = new SDVariable[quantiles];
    out[median] = column(raw, median);
    for (int k = median + 1; k < quantiles; k++) {
      out[k] = out[k - 1].add(g.sd().nn.softplus(column(raw, k)));
    }
    for (int k = median - 1; k >= 0; k--) {
      out[k] = out[k + 1].sub(g.sd().nn.softplus(column(raw, k)));
    }
    return quantiles == 1 ? out[0] : g.sd().concat(1, out);
  }

  private static SDVariable column(SDVariable raw, int k) {
    return raw.get(SDIndex.all(), SDIndex.interval(k, k + 1));
  }
}
