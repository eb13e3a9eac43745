package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The TFT paper's temporal fusion decoder, from the LSTM output on: gated skip connection over the
 * LSTM, static enrichment, interpretable multi-head attention queried from the horizon,
 * position-wise feed-forward GRN, a final gated skip to the LSTM layer, and the quantile head.
 */
public final class TemporalFusionDecoder {

  /** Quantile rows {@code [B*horizon, quantiles]} (scaled units) and attention weights. */
  public record Output(SDVariable quantiles, SDVariable attention) {}

  private final long hidden;
  private final int heads;
  private final int encoderLength;
  private final int horizon;
  private final int quantiles;
  private final int medianIndex;

  public TemporalFusionDecoder(
      long hidden, int heads, int encoderLength, int horizon, int quantiles, int medianIndex) {
    this.hidden = hidden;
    this.heads = heads;
    this.encoderLength = encoderLength;
    this.horizon = horizon;
    this.quantiles = quantiles;
    this.medianIndex = medianIndex;
  }

  /**
   * @param lstmRows LSTM outputs {@code [B*T, H]}, dropout already applied
   * @param selectedRows the LSTM's inputs (selected variables) {@code [B*T, H]}
   * @param enrichmentContext the static enrichment context {@code [B, H]}
   */
  public Output build(
      GraphContext g, SDVariable lstmRows, SDVariable selectedRows, SDVariable enrichmentContext) {
    long h = hidden;
    int total = encoderLength + horizon;
    // gated skip over the LSTM (shared for both parts); its input dropout is applied by the caller
    SDVariable temporal =
        new GateAddNorm("post_lstm", h, h, 0, total)
            .build(g.withoutDropout(), lstmRows, selectedRows);

    // static enrichment
    SDVariable enriched =
        new GatedResidualNetwork("static_enrichment", h, h, h, h, 0, total)
            .build(g, temporal, enrichmentContext);

    // interpretable multi-head attention over the whole window, queried from the horizon, then
    // gate-add-norm
    InterpretableMultiHeadAttention.Output attention =
        new InterpretableMultiHeadAttention("attention", h, heads, encoderLength, horizon)
            .build(g, enriched);
    SDVariable attended =
        new GateAddNorm("post_attention", h, h, 0, horizon)
            .build(g, attention.output(), horizonRows(enriched));

    // position-wise feed-forward GRN, final gated skip to the LSTM output, quantile head
    SDVariable positionwise =
        new GatedResidualNetwork("positionwise_grn", h, h, h, 0, 0, horizon)
            .build(g, attended, null);
    SDVariable finalRows =
        new GateAddNorm("pre_output", h, h, 0, horizon)
            .build(g, positionwise, horizonRows(temporal));
    SDVariable quantileRows =
        new QuantileOutput("output", h, quantiles, medianIndex).build(g, finalRows);
    return new Output(quantileRows, attention.weights());
  }

  private SDVariable horizonRows(SDVariable rows) {
    int total = encoderLength + horizon;
    return rows.reshape(-1, total, hidden)
        .get(SDIndex.all(), SDIndex.interval(encoderLength, total), SDIndex.all())
        .reshape(-1, hidden);
  }
}
