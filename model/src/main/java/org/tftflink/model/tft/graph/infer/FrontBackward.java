package org.tftflink.model.tft.graph.infer;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.graph.PerVariableGrns;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * The training pass of the graph before the LSTM ("front") in plain ND4J ops, in {@link
 * TftForward}'s order: input transforms and static embeddings, static variable selection, the four
 * static covariate encoders, and the temporal selections' flattened GRN and softmax; then its
 * backward pass from the gradients of what it hands over to the per-variable GRNs and the LSTM.
 *
 * <p>Why: the front graph's SameDiff forward and gradient function cost more per training step than
 * their arithmetic (per-op bookkeeping, broadcast {@code multiply_bp}); the embedding's gradient is
 * the one-hot product transposed, a scatter-add into the table, where SameDiff's {@code gather}
 * gradient is wrong.
 */
public final class FrontBackward {
  private final TftConfig config;
  private final PerVariableGrns staticGrns;
  private final GatedResidualNetworkForward staticFlat;
  private final GatedResidualNetworkForward encoderFlat;
  private final GatedResidualNetworkForward decoderFlat;
  private final GatedResidualNetworkForward contextSelection;
  private final GatedResidualNetworkForward contextHidden;
  private final GatedResidualNetworkForward contextCell;
  private final GatedResidualNetworkForward contextEnrichment;

  /**
   * What {@link #backward} needs of a {@link #train} pass, and the values handed over: the
   * per-variable embeddings {@code [variables, N, dc]} and selection weights {@code [N, variables]}
   * of encoder and decoder, and the LSTM's initial states and the enrichment context {@code [B,
   * H]}.
   */
  public record Pass(
      Parameters p,
      INDArray encoderVariables,
      INDArray encoderWeights,
      INDArray decoderVariables,
      INDArray decoderWeights,
      INDArray staticWeights,
      PerVariableGrns.Pass staticSelected,
      GatedResidualNetworkForward.Pass staticFlat,
      GatedResidualNetworkForward.Pass encoderFlat,
      GatedResidualNetworkForward.Pass decoderFlat,
      GatedResidualNetworkForward.Pass selectionEncoder,
      GatedResidualNetworkForward.Pass hiddenEncoder,
      GatedResidualNetworkForward.Pass cellEncoder,
      GatedResidualNetworkForward.Pass enrichmentEncoder) {
    public INDArray contextHidden() {
      return hiddenEncoder.output();
    }

    public INDArray contextCell() {
      return cellEncoder.output();
    }

    public INDArray contextEnrichment() {
      return enrichmentEncoder.output();
    }
  }

  /**
   * The gradients of what the front hands over, as the LSTM and the per-variable GRNs give them.
   */
  public record Upstream(
      INDArray encoderVariables,
      INDArray encoderWeights,
      INDArray decoderVariables,
      INDArray decoderWeights,
      INDArray contextHidden,
      INDArray contextCell,
      INDArray contextEnrichment) {}

  public FrontBackward(TftConfig config, PerVariableGrns staticGrns) {
    this.config = config;
    this.staticGrns = staticGrns;
    int dc = config.hiddenContinuousSize();
    staticFlat = flat("static_vsn", config.staticVariables(), dc, false, 1);
    encoderFlat = flat("encoder_vsn", config.encoderVariables(), dc, true, config.encoderLength());
    decoderFlat = flat("decoder_vsn", config.decoderVariables(), dc, true, config.horizon());
    contextSelection = staticEncoder("selection");
    contextHidden = staticEncoder("state_h");
    contextCell = staticEncoder("state_c");
    contextEnrichment = staticEncoder("enrichment");
  }

  private static GatedResidualNetworkForward flat(
      String scope, int variables, int inputSize, boolean context, long rowsPerWindow) {
    // as VariableSelectionForward builds it
    return new GatedResidualNetworkForward(
        scope + "/flat_grn", variables * inputSize != variables, context, rowsPerWindow);
  }

  private static GatedResidualNetworkForward staticEncoder(String name) {
    return new GatedResidualNetworkForward("static_encoder/" + name, false, false, 1);
  }

  /** The front's forward pass on {@code feeds}, keeping its activations. */
  public Pass train(Parameters.Lookup parameters, Map<String, INDArray> feeds) {
    Parameters p = new Parameters(parameters, feeds);
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    INDArray encReal = feeds.get(TftGraph.ENCODER_REAL);
    long batch = encReal.size(0);
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

    GatedResidualNetworkForward.Pass sFlat = staticFlat.train(p, flattened(staticVars), null);
    INDArray sWeights = Rows.softmax(sFlat.output());
    INDArray sMask = staticGrns.dropoutMask() == null ? null : p.feed(staticGrns.dropoutMask());
    PerVariableGrns.Pass sSel = staticGrns.forward(staticVars, sWeights, sMask, true);
    INDArray staticEmbedding = sSel.output();
    GatedResidualNetworkForward.Pass cSel = contextSelection.train(p, staticEmbedding, null);
    GatedResidualNetworkForward.Pass eFlat =
        encoderFlat.train(p, flattened(encVars), cSel.output());
    GatedResidualNetworkForward.Pass dFlat =
        decoderFlat.train(p, flattened(decVars), cSel.output());
    return new Pass(
        p,
        encVars,
        Rows.softmax(eFlat.output()),
        decVars,
        Rows.softmax(dFlat.output()),
        sWeights,
        sSel,
        sFlat,
        eFlat,
        dFlat,
        cSel,
        contextHidden.train(p, staticEmbedding, null),
        contextCell.train(p, staticEmbedding, null),
        contextEnrichment.train(p, staticEmbedding, null));
  }

  /**
   * The gradient of every front parameter (the temporal selections' per-variable GRNs aside, which
   * {@code upstream} comes back through) by name.
   */
  public Map<String, INDArray> backward(Pass pass, Upstream up) {
    Parameters p = pass.p();
    Gradients g = new Gradients();
    int dc = config.hiddenContinuousSize();

    // temporal selections: softmax and flattened GRN, to the embeddings and the selection context
    GatedResidualNetworkForward.Inputs enc =
        encoderFlat.backward(
            p, g, pass.encoderFlat(), softmaxBackward(pass.encoderWeights(), up.encoderWeights()));
    INDArray dEncVars =
        unflattened(enc.x(), config.encoderVariables(), dc).addi(up.encoderVariables());
    GatedResidualNetworkForward.Inputs dec =
        decoderFlat.backward(
            p, g, pass.decoderFlat(), softmaxBackward(pass.decoderWeights(), up.decoderWeights()));
    INDArray dDecVars =
        unflattened(dec.x(), config.decoderVariables(), dc).addi(up.decoderVariables());
    INDArray dSelectionContext = enc.c().add(dec.c());

    // static covariate encoders, to the static embedding
    INDArray dStatic =
        contextSelection.backward(p, g, pass.selectionEncoder(), dSelectionContext).x();
    dStatic.addi(contextHidden.backward(p, g, pass.hiddenEncoder(), up.contextHidden()).x());
    dStatic.addi(contextCell.backward(p, g, pass.cellEncoder(), up.contextCell()).x());
    dStatic.addi(
        contextEnrichment.backward(p, g, pass.enrichmentEncoder(), up.contextEnrichment()).x());

    // static variable selection
    PerVariableGrns.Gradients sel = staticGrns.backward(pass.staticSelected(), dStatic);
    sel.params().forEach(g::add);
    INDArray dStaticVars =
        unflattened(
                staticFlat
                    .backward(
                        p,
                        g,
                        pass.staticFlat(),
                        softmaxBackward(pass.staticWeights(), sel.weights()))
                    .x(),
                config.staticVariables(),
                dc)
            .addi(sel.input());

    // input transforms: the real variables' scales and the static embedding tables
    long categoricals = config.staticCategoricals();
    long batch = dStatic.size(0);
    if (categoricals > 0) {
      INDArray oneHot = p.feed(TftGraph.STATIC_CATEGORICAL);
      INDArray dEmbedded =
          dStaticVars
              .get(NDArrayIndex.interval(0, categoricals), NDArrayIndex.all(), NDArrayIndex.all())
              .dup('c');
      // the one-hot product transposed: each row's gradient added into its bucket of the table
      g.add("static_embedding/embedding", Nd4j.matmul(oneHot.permute(0, 2, 1).dup('c'), dEmbedded));
      dStaticVars =
          dStaticVars
              .get(
                  NDArrayIndex.interval(categoricals, dStaticVars.size(0)),
                  NDArrayIndex.all(),
                  NDArrayIndex.all())
              .dup('c');
    }
    realsBackward(p, g, "static_prescale", p.feed(TftGraph.STATIC_REAL), dStaticVars);
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    realsBackward(
        p,
        g,
        "encoder_prescale",
        p.feed(TftGraph.ENCODER_REAL).reshape(batch * tEnc, config.encoderVariables()),
        dEncVars);
    realsBackward(
        p,
        g,
        "decoder_prescale",
        p.feed(TftGraph.DECODER_REAL).reshape(batch * tDec, config.decoderVariables()),
        dDecVars);
    return g.byName();
  }

  /**
   * Back through {@link InputTransformForward#reals}: {@code dW_v = Σ_n x_nv dy_vn} and {@code db_v
   * = Σ_n dy_vn}.
   */
  private static void realsBackward(
      Parameters p, Gradients g, String scope, INDArray x, INDArray dy) {
    INDArray w = p.get(scope + "/W");
    INDArray b = p.get(scope + "/b");
    long variables = w.size(0);
    INDArray rows = x.transpose().dup('c').reshape(variables, 1, x.size(0));
    g.add(scope + "/W", Nd4j.matmul(rows, dy).reshape(w.shape()));
    g.add(scope + "/b", dy.sum(1).reshape(b.shape()));
  }

  /** {@code dz = w ∘ (dw − Σ_row dw ∘ w)} for {@code w = softmax(z)} over each row. */
  private static INDArray softmaxBackward(INDArray w, INDArray dw) {
    INDArray dz = dw.sub(dw.mul(w).sum(true, 1));
    return dz.muli(w);
  }

  /** {@code [variables, N, size]} to the rows {@code [N, variables*size]} of the flat GRN. */
  private static INDArray flattened(INDArray embedded) {
    long n = embedded.size(1);
    return embedded.permute(1, 0, 2).dup('c').reshape(n, embedded.size(0) * embedded.size(2));
  }

  /**
   * {@link #flattened} backwards: rows {@code [N, variables*size]} to {@code [variables, N, size]}.
   */
  private static INDArray unflattened(INDArray rows, long variables, long size) {
    return rows.reshape(rows.size(0), variables, size).permute(1, 0, 2).dup('c');
  }
}
