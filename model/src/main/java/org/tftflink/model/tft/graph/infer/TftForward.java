package org.tftflink.model.tft.graph.infer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.graph.LstmEncoderDecoder;
import org.tftflink.model.tft.graph.PerVariableGrns;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * The whole TFT's forward pass in plain ND4J ops, block by block as {@code TftGraph} builds it in
 * SameDiff (which stays the reference): input transforms, static variable selection, static
 * covariate encoders, temporal variable selection, the Java LSTM, gated skip, static enrichment,
 * interpretable attention, position-wise GRN, quantile head and loss. The parameters are read from
 * the graph's live arrays on every call and the dropout masks fed are applied, so the outputs equal
 * the graph's after any training step and with any mask.
 *
 * <p>Why: at these sizes a SameDiff call spends most of its time in per-op Java bookkeeping
 * (InferenceSession, variable-name lookups, a regex per op), not in arithmetic.
 */
public final class TftForward {
  /** The outputs this pass computes; any other name needs the graph. */
  public static final Set<String> OUTPUTS =
      Set.of(
          TftGraph.PREDICTION,
          TftGraph.ATTENTION,
          TftGraph.STATIC_WEIGHTS,
          TftGraph.ENCODER_WEIGHTS,
          TftGraph.DECODER_WEIGHTS,
          TftGraph.LOSS);

  private static final Set<String> AFTER_LSTM =
      Set.of(TftGraph.PREDICTION, TftGraph.ATTENTION, TftGraph.LOSS);

  private final TftConfig config;
  private final LstmForward lstm;
  private final VariableSelectionForward staticSelection;
  private final VariableSelectionForward encoderSelection;
  private final VariableSelectionForward decoderSelection;
  private final GatedResidualNetworkForward contextSelection;
  private final GatedResidualNetworkForward contextHidden;
  private final GatedResidualNetworkForward contextCell;
  private final GatedResidualNetworkForward contextEnrichment;
  private final GateAddNormForward postLstm;
  private final GatedResidualNetworkForward enrichment;
  private final AttentionForward attention;
  private final GateAddNormForward postAttention;
  private final GatedResidualNetworkForward positionwise;
  private final GateAddNormForward preOutput;
  private final QuantileForward quantiles;

  /**
   * @param staticGrns, encoderGrns, decoderGrns the per-variable GRNs of the three selections, over
   *     the graph's arrays
   */
  public TftForward(
      TftConfig config,
      PerVariableGrns staticGrns,
      PerVariableGrns encoderGrns,
      PerVariableGrns decoderGrns,
      LstmEncoderDecoder lstm) {
    this.config = config;
    int dc = config.hiddenContinuousSize();
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int total = config.totalLength();
    this.lstm = new LstmForward("lstm", config.lstmLayers(), tEnc, tDec, lstm);
    staticSelection =
        new VariableSelectionForward(
            "static_vsn", config.staticVariables(), dc, false, 1, staticGrns);
    encoderSelection =
        new VariableSelectionForward(
            "encoder_vsn", config.encoderVariables(), dc, true, tEnc, encoderGrns);
    decoderSelection =
        new VariableSelectionForward(
            "decoder_vsn", config.decoderVariables(), dc, true, tDec, decoderGrns);
    contextSelection = staticEncoder("selection");
    contextHidden = staticEncoder("state_h");
    contextCell = staticEncoder("state_c");
    contextEnrichment = staticEncoder("enrichment");
    postLstm = new GateAddNormForward("post_lstm", false);
    enrichment = new GatedResidualNetworkForward("static_enrichment", false, true, total);
    attention = new AttentionForward("attention", config.attentionHeads(), tEnc, tDec);
    postAttention = new GateAddNormForward("post_attention", true);
    positionwise = new GatedResidualNetworkForward("positionwise_grn", false, false, tDec);
    preOutput = new GateAddNormForward("pre_output", true);
    quantiles = new QuantileForward("output", config.quantiles(), config.medianIndex());
  }

  private static GatedResidualNetworkForward staticEncoder(String name) {
    return new GatedResidualNetworkForward("static_encoder/" + name, false, false, 1);
  }

  /**
   * Runs the model on {@code feeds} (the graph's inputs and dropout masks, and for {@link
   * TftGraph#LOSS} the target and its weights) and returns the named outputs, each one of {@link
   * #OUTPUTS}, shaped as the graph's.
   */
  public Map<String, INDArray> output(
      Parameters.Lookup parameters, Map<String, INDArray> feeds, List<String> outputs) {
    Parameters p = new Parameters(parameters, feeds);
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int total = config.totalLength();
    INDArray encReal = feeds.get(TftGraph.ENCODER_REAL);
    long batch = encReal.size(0);
    Map<String, INDArray> result = new LinkedHashMap<>();

    // inputs: per-variable transforms of static, encoder and decoder variables
    INDArray staticVars =
        InputTransformForward.reals(p, "static_prescale", feeds.get(TftGraph.STATIC_REAL));
    if (config.staticCategoricals() > 0) {
      INDArray embedded =
          InputTransformForward.categoricals(
              p, "static_embedding", feeds.get(TftGraph.STATIC_CATEGORICAL));
      staticVars = Nd4j.concat(0, embedded, staticVars);
    }
    INDArray encVars =
        InputTransformForward.reals(
            p, "encoder_prescale", encReal.reshape(batch * tEnc, config.encoderVariables()));
    INDArray decVars =
        InputTransformForward.reals(
            p,
            "decoder_prescale",
            feeds.get(TftGraph.DECODER_REAL).reshape(batch * tDec, config.decoderVariables()));

    // static variable selection and static covariate encoders
    VariableSelectionForward.Output staticSel = staticSelection.forward(p, staticVars, null);
    INDArray staticEmbedding = staticSel.selected();
    INDArray selectionContext = contextSelection.forward(p, staticEmbedding, null);

    // temporal variable selection, conditioned on the selection context
    VariableSelectionForward.Output encSel = encoderSelection.forward(p, encVars, selectionContext);
    VariableSelectionForward.Output decSel = decoderSelection.forward(p, decVars, selectionContext);
    put(result, outputs, TftGraph.STATIC_WEIGHTS, staticSel.weights());
    put(result, outputs, TftGraph.ENCODER_WEIGHTS, encSel.weights().reshape(batch, tEnc, -1));
    put(result, outputs, TftGraph.DECODER_WEIGHTS, decSel.weights().reshape(batch, tDec, -1));
    if (outputs.stream().noneMatch(AFTER_LSTM::contains)) {
      return ordered(result, outputs);
    }
    long h = config.hiddenSize();
    INDArray selected =
        Nd4j.concat(
                1,
                encSel.selected().reshape(batch, tEnc, h),
                decSel.selected().reshape(batch, tDec, h))
            .reshape(batch * total, h);

    // LSTM encoder-decoder from the static state contexts
    INDArray lstmOut =
        lstm.forward(
            p,
            selected,
            contextHidden.forward(p, staticEmbedding, null),
            contextCell.forward(p, staticEmbedding, null));
    lstmOut = Rows.masked(lstmOut, p.mask("post_lstm/glu"));

    // gated skip over the LSTM (its GLU's input dropout is the LSTM output's, applied above)
    INDArray temporal = postLstm.forward(p, lstmOut, selected);

    // static enrichment
    INDArray enriched =
        enrichment.forward(p, temporal, contextEnrichment.forward(p, staticEmbedding, null));

    // interpretable multi-head attention queried from the horizon, then gate-add-norm
    INDArray enrichedHorizon = Rows.steps(enriched, total, tEnc);
    AttentionForward.Output att = attention.forward(p, enriched, enrichedHorizon);
    INDArray attended = postAttention.forward(p, att.output(), enrichedHorizon);
    put(result, outputs, TftGraph.ATTENTION, att.weights());

    // position-wise feed-forward GRN, final gated skip to the LSTM output, quantile head
    INDArray finalRows =
        preOutput.forward(
            p, positionwise.forward(p, attended, null), Rows.steps(temporal, total, tEnc));
    INDArray quantileRows = quantiles.forward(p, finalRows);
    put(
        result,
        outputs,
        TftGraph.PREDICTION,
        quantileRows.reshape(batch, tDec, config.quantiles().length));
    if (outputs.contains(TftGraph.LOSS)) {
      result.put(
          TftGraph.LOSS,
          quantiles.loss(
              quantileRows,
              feeds.get(TftGraph.TARGET).reshape(batch * tDec, 1),
              feeds.get(TftGraph.TARGET_WEIGHT).reshape(batch * tDec, 1)));
    }
    return ordered(result, outputs);
  }

  private static void put(
      Map<String, INDArray> result, List<String> outputs, String name, INDArray value) {
    if (outputs.contains(name)) {
      result.put(name, value);
    }
  }

  private static Map<String, INDArray> ordered(Map<String, INDArray> result, List<String> outputs) {
    Map<String, INDArray> o = new LinkedHashMap<>();
    for (String name : outputs) {
      o.put(name, result.get(name));
    }
    return o;
  }
}
