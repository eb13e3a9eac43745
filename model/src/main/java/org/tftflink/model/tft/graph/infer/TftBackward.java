package org.tftflink.model.tft.graph.infer;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * The training loss's backward pass through the temporal fusion decoder in plain ND4J ops, in place
 * of the SameDiff graph after the LSTM (which stays the reference): gated skip over the LSTM,
 * static enrichment, interpretable attention, position-wise GRN, pre-output gate-add-norm, quantile
 * head and quantile loss, forward with the activations kept and then back, block by block.
 *
 * <p>Why: SameDiff's gradient function spent a quarter of a training step at batch 128 there, in
 * per-op bookkeeping and broadcast {@code *_bp} ops, for what is a few dozen GEMMs.
 */
public final class TftBackward {

  /**
   * The loss, the decoder parameters' gradients by name, and the gradients of its three inputs: the
   * LSTM output rows (after its dropout mask), the selected inputs, the enrichment context.
   */
  public record Decoder(
      double loss,
      Map<String, INDArray> gradients,
      INDArray lstmOutput,
      INDArray selected,
      INDArray enrichmentContext) {}

  private final TftConfig config;
  private final GateAddNormForward postLstm;
  private final GatedResidualNetworkForward enrichment;
  private final AttentionForward attention;
  private final GateAddNormForward postAttention;
  private final GatedResidualNetworkForward positionwise;
  private final GateAddNormForward preOutput;
  private final QuantileForward quantiles;

  public TftBackward(TftConfig config) {
    this.config = config;
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    postLstm = new GateAddNormForward("post_lstm", false);
    enrichment =
        new GatedResidualNetworkForward("static_enrichment", false, true, config.totalLength());
    attention = new AttentionForward("attention", config.attentionHeads(), tEnc, tDec);
    postAttention = new GateAddNormForward("post_attention", true);
    positionwise = new GatedResidualNetworkForward("positionwise_grn", false, false, tDec);
    preOutput = new GateAddNormForward("pre_output", true);
    quantiles = new QuantileForward("output", config.quantiles(), config.medianIndex());
  }

  /**
   * The quantile loss of the decoder on {@code feeds} (targets, their weights and the decoder's
   * dropout masks) and its gradients.
   *
   * @param lstmOutput the LSTM's output rows {@code [B*T, H]}, its dropout mask applied
   * @param selected the LSTM's inputs {@code [B*T, H]}
   * @param enrichmentContext the static enrichment context {@code [B, H]}
   */
  public Decoder decoder(
      Parameters.Lookup parameters,
      Map<String, INDArray> feeds,
      INDArray lstmOutput,
      INDArray selected,
      INDArray enrichmentContext) {
    Parameters p = new Parameters(parameters, feeds);
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int total = config.totalLength();
    long batch = lstmOutput.size(0) / total;

    // forward, keeping each block's activations
    GateAddNormForward.Pass temporal = postLstm.train(p, lstmOutput, selected);
    GatedResidualNetworkForward.Pass enriched =
        enrichment.train(p, temporal.output(), enrichmentContext);
    INDArray enrichedHorizon = Rows.steps(enriched.output(), total, tEnc);
    AttentionForward.Pass att = attention.train(p, enriched.output(), enrichedHorizon);
    GateAddNormForward.Pass attended = postAttention.train(p, att.output(), enrichedHorizon);
    GatedResidualNetworkForward.Pass positionwiseRows =
        positionwise.train(p, attended.output(), null);
    GateAddNormForward.Pass finalRows =
        preOutput.train(p, positionwiseRows.output(), Rows.steps(temporal.output(), total, tEnc));
    QuantileForward.Pass quantileRows = quantiles.train(p, finalRows.output());
    INDArray target = feeds.get(TftGraph.TARGET).reshape(batch * tDec, 1);
    INDArray weight = feeds.get(TftGraph.TARGET_WEIGHT).reshape(batch * tDec, 1);
    double loss = quantiles.loss(quantileRows.output(), target, weight).getDouble(0);

    // backward, block by block in reverse
    Gradients g = new Gradients();
    INDArray dQuantiles = quantiles.lossGradient(quantileRows.output(), target, weight);
    INDArray dFinal = quantiles.backward(p, g, quantileRows, dQuantiles);
    GateAddNormForward.Inputs dPreOutput = preOutput.backward(p, g, finalRows, dFinal);
    INDArray dAttended = positionwise.backward(p, g, positionwiseRows, dPreOutput.x()).x();
    GateAddNormForward.Inputs dPostAttention = postAttention.backward(p, g, attended, dAttended);
    AttentionForward.Inputs dAttention = attention.backward(p, g, att, dPostAttention.x());
    INDArray dEnriched = dAttention.sequence();
    Backprop.addSteps(
        dEnriched, dAttention.queryRows().addi(dPostAttention.residual()), total, tEnc);
    GatedResidualNetworkForward.Inputs dEnrichment = enrichment.backward(p, g, enriched, dEnriched);
    INDArray dTemporal = dEnrichment.x();
    Backprop.addSteps(dTemporal, dPreOutput.residual(), total, tEnc);
    GateAddNormForward.Inputs dPostLstm = postLstm.backward(p, g, temporal, dTemporal);
    return new Decoder(loss, g.byName(), dPostLstm.x(), dPostLstm.residual(), dEnrichment.c());
  }
}
