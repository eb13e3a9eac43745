package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Static covariate encoders of the TFT paper: four GRNs turning the static embedding into the
 * contexts for variable selection, the LSTM initial hidden state, the LSTM initial cell state and
 * static enrichment.
 */
public final class StaticCovariateEncoder {

  /** The four context vectors, each {@code [B, hidden]}. */
  public record Contexts(
      SDVariable selection, SDVariable hidden, SDVariable cell, SDVariable enrichment) {}

  private final String scope;
  private final long hidden;

  public StaticCovariateEncoder(String scope, long hidden) {
    this.scope = scope;
    this.hidden = hidden;
  }

  public Contexts build(GraphContext g, SDVariable staticEmbedding) {
    return new Contexts(
        grn(g, "selection", staticEmbedding),
        grn(g, "state_h", staticEmbedding),
        grn(g, "state_c", staticEmbedding),
        grn(g, "enrichment", staticEmbedding));
  }

  private SDVariable grn(GraphContext g, String name, SDVariable x) {
    return new GatedResidualNetwork(scope + "/" + name, hidden, hidden, hidden, 0, 0, 1)
        .build(g, x, null);
  }
}
