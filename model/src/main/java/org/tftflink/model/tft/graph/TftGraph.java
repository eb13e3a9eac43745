package org.tftflink.model.tft.graph;

import java.util.List;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.tftflink.model.tft.TftConfig;

/**
 * The whole Temporal Fusion Transformer (Lim et al. 2021) as one SameDiff graph, built block by
 * block from a {@link TftConfig}; the same config and seed always give the same variable names,
 * shapes and initial values.
 */
public final class TftGraph {
  public static final String STATIC_CATEGORICAL = "static_categorical";
  public static final String STATIC_REAL = "static_real";
  public static final String ENCODER_REAL = "encoder_real";
  public static final String DECODER_REAL = "decoder_real";
  public static final String TARGET = "target";
  public static final String TARGET_WEIGHT = "target_weight";
  public static final String PREDICTION = "prediction";
  public static final String ATTENTION = "attention";
  public static final String STATIC_WEIGHTS = "static_weights";
  public static final String ENCODER_WEIGHTS = "encoder_weights";
  public static final String DECODER_WEIGHTS = "decoder_weights";
  public static final String LOSS = "loss";

  private final TftConfig config;
  private final SameDiff sd;
  private final GraphContext context;

  private TftGraph(TftConfig config, SameDiff sd, GraphContext context) {
    this.config = config;
    this.sd = sd;
    this.context = context;
  }

  public static TftGraph build(TftConfig config) {
    SameDiff sd = SameDiff.create();
    DataType dt = DataType.valueOf(config.dataType());
    GraphContext g = new GraphContext(sd, dt, config.seed(), config.dropout());
    long h = config.hiddenSize();
    long dc = config.hiddenContinuousSize();
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int total = config.totalLength();
    int nEnc = config.encoderVariables();
    int nDec = config.decoderVariables();

    // inputs: per-variable transforms of static, encoder and decoder variables
    SDVariable staticReal = sd.placeHolder(STATIC_REAL, dt, -1, config.staticRealInputs());
    SDVariable staticVars =
        InputTransform.reals(g, "static_prescale", staticReal, config.staticRealInputs(), dc);
    if (config.staticCategoricals() > 0) {
      SDVariable oneHot =
          sd.placeHolder(
              STATIC_CATEGORICAL, dt, config.staticCategoricals(), -1, config.hashBuckets());
      SDVariable embedded =
          InputTransform.categoricals(
              g, "static_embedding", oneHot, config.staticCategoricals(), config.hashBuckets(), dc);
      staticVars = sd.concat(0, embedded, staticVars);
    }
    SDVariable encReal = sd.placeHolder(ENCODER_REAL, dt, -1, tEnc, nEnc);
    SDVariable decReal = sd.placeHolder(DECODER_REAL, dt, -1, tDec, nDec);
    SDVariable encVars =
        InputTransform.reals(g, "encoder_prescale", encReal.reshape(-1, nEnc), nEnc, dc);
    SDVariable decVars =
        InputTransform.reals(g, "decoder_prescale", decReal.reshape(-1, nDec), nDec, dc);

    // static variable selection and static covariate encoders
    VariableSelectionNetwork.Output staticSel =
        new VariableSelectionNetwork("static_vsn", config.staticVariables(), dc, h, 0, 1)
            .build(g, staticVars, null);
    StaticCovariateEncoder.Contexts ctx =
        new StaticCovariateEncoder("static_encoder", h).build(g, staticSel.selected());

    // temporal variable selection, conditioned on the selection context
    VariableSelectionNetwork.Output encSel =
        new VariableSelectionNetwork("encoder_vsn", nEnc, dc, h, h, tEnc)
            .build(g, encVars, ctx.selection());
    VariableSelectionNetwork.Output decSel =
        new VariableSelectionNetwork("decoder_vsn", nDec, dc, h, h, tDec)
            .build(g, decVars, ctx.selection());

    // LSTM encoder-decoder from the static state contexts, then a gated skip over it (shared for
    // both parts)
    LstmEncoderDecoder.Output lstm =
        new LstmEncoderDecoder("lstm", h, config.lstmLayers(), tEnc, tDec)
            .build(g, encSel.selected(), decSel.selected(), ctx.hidden(), ctx.cell());
    SDVariable lstmRows = timeConcat(sd, lstm.encoder(), lstm.decoder(), tEnc, tDec, h);
    SDVariable selectedRows = timeConcat(sd, encSel.selected(), decSel.selected(), tEnc, tDec, h);
    SDVariable temporal =
        new GateAddNorm("post_lstm", h, h, 0, total).build(g, lstmRows, selectedRows);

    // static enrichment
    SDVariable enriched =
        new GatedResidualNetwork("static_enrichment", h, h, h, h, 0, total)
            .build(g, temporal, ctx.enrichment());

    // interpretable multi-head attention over the whole window, queried from the horizon, then
    // gate-add-norm
    InterpretableMultiHeadAttention.Output attention =
        new InterpretableMultiHeadAttention("attention", h, config.attentionHeads(), tEnc, tDec)
            .build(g, enriched);
    SDVariable enrichedDecoder = horizonRows(enriched, tEnc, total, h);
    SDVariable attended =
        new GateAddNorm("post_attention", h, h, 0, tDec)
            .build(g, attention.output(), enrichedDecoder);

    // position-wise feed-forward GRN, final gated skip to the LSTM output, quantile head
    SDVariable positionwise =
        new GatedResidualNetwork("positionwise_grn", h, h, h, 0, 0, tDec).build(g, attended, null);
    SDVariable finalRows =
        new GateAddNorm("pre_output", h, h, 0, tDec)
            .build(g, positionwise, horizonRows(temporal, tEnc, total, h));
    SDVariable quantileRows =
        new QuantileOutput("output", h, config.quantiles().length, config.medianIndex())
            .build(g, finalRows);
    sd.identity(PREDICTION, quantileRows.reshape(-1, tDec, config.quantiles().length));

    // interpretability outputs
    sd.identity(ATTENTION, attention.weights());
    sd.identity(STATIC_WEIGHTS, staticSel.weights());
    sd.identity(ENCODER_WEIGHTS, encSel.weights().reshape(-1, tEnc, nEnc));
    sd.identity(DECODER_WEIGHTS, decSel.weights().reshape(-1, tDec, nDec));

    // training loss on the scaled target
    SDVariable target = sd.placeHolder(TARGET, dt, -1, tDec);
    SDVariable weight = sd.placeHolder(TARGET_WEIGHT, dt, -1, tDec);
    SDVariable loss =
        new QuantileLoss(config.quantiles())
            .build(g, LOSS, quantileRows, target.reshape(-1, 1), weight.reshape(-1, 1));
    sd.setLossVariables(loss);
    return new TftGraph(config, sd, g);
  }

  private static SDVariable timeConcat(
      SameDiff sd, SDVariable enc, SDVariable dec, int tEnc, int tDec, long h) {
    return sd.concat(1, enc.reshape(-1, tEnc, h), dec.reshape(-1, tDec, h)).reshape(-1, h);
  }

  private static SDVariable horizonRows(SDVariable rows, int tEnc, int total, long h) {
    return rows.reshape(-1, total, h)
        .get(SDIndex.all(), SDIndex.interval(tEnc, total), SDIndex.all())
        .reshape(-1, h);
  }

  public TftConfig config() {
    return config;
  }

  public SameDiff sameDiff() {
    return sd;
  }

  public List<GraphContext.DropoutSite> dropoutSites() {
    return context.dropoutSites();
  }

  public DataType dataType() {
    return context.dataType();
  }
}
