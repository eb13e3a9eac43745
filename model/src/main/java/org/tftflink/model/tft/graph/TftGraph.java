package org.tftflink.model.tft.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.graph.infer.ForwardWorkspace;
import org.tftflink.model.tft.graph.infer.FrontBackward;
import org.tftflink.model.tft.graph.infer.TftBackward;
import org.tftflink.model.tft.graph.infer.TftForward;
import org.tftflink.model.tft.graph.infer.TrainingWorkspace;

/**
 * The whole Temporal Fusion Transformer (Lim et al. 2021), built block by block from a {@link
 * TftConfig}: a SameDiff graph up to the LSTM (input transforms, variable selection, static
 * covariate encoders), the LSTM encoder-decoder in Java ({@link LstmEncoderDecoder}, for speed and
 * correct gradients), and a SameDiff graph after it (gated skip, static enrichment, attention,
 * quantile head, loss). {@link #output} and {@link #backward} run the three as one model. In {@link
 * #backward} the temporal selections' per-variable GRNs run in Java too ({@link PerVariableGrns},
 * over the front graph's own parameter arrays), between the front graph's selection weights and the
 * LSTM. The same config and seed always give the same parameter names, shapes and initial values.
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

  // what the front graph hands over: for inference the selected inputs of every step; for training
  // the per-variable embeddings and selection weights of both temporal selections (whose
  // per-variable GRNs then run in Java); and three static contexts
  static final String SELECTED = "selected";
  static final String ENCODER_VARIABLES = "encoder_variables";
  static final String ENCODER_SELECTION = "encoder_selection";
  static final String DECODER_VARIABLES = "decoder_variables";
  static final String DECODER_SELECTION = "decoder_selection";
  static final String CONTEXT_HIDDEN = "context_hidden";
  static final String CONTEXT_CELL = "context_cell";
  static final String CONTEXT_ENRICHMENT = "context_enrichment";
  private static final List<String> INFERENCE_HAND_OVER =
      List.of(SELECTED, CONTEXT_HIDDEN, CONTEXT_CELL, CONTEXT_ENRICHMENT);
  private static final List<String> HAND_OVER =
      List.of(
          ENCODER_VARIABLES,
          ENCODER_SELECTION,
          DECODER_VARIABLES,
          DECODER_SELECTION,
          CONTEXT_HIDDEN,
          CONTEXT_CELL,
          CONTEXT_ENRICHMENT);
  // the back graph's inputs from the LSTM and the front
  static final String LSTM_OUTPUT = "lstm_output";
  static final String SELECTED_INPUT = "selected_input";
  static final String ENRICHMENT_INPUT = "enrichment_input";
  private static final String GRADIENT = "/upstream_gradient";
  private static final String FRONT_LOSS = "front_surrogate_loss";

  /**
   * System property choosing how {@link #output} runs: {@code java} (default) for {@link
   * TftForward} wherever it computes every output asked for, {@code samediff} for the graphs
   * always.
   */
  public static final String INFERENCE_PROPERTY = "tft.inference";

  /**
   * System property choosing how {@link #backward} differentiates the training loss {@link #LOSS}:
   * {@code java} (default) for {@link TftBackward} after the LSTM, {@code samediff} for the graph's
   * gradient function (the reference; any other loss always uses it).
   */
  public static final String TRAINING_PROPERTY = "tft.training";

  private final TftConfig config;
  private final SameDiff front;
  private final PerVariableGrns encoderGrns;
  private final PerVariableGrns decoderGrns;
  private final LstmEncoderDecoder lstm;
  private final SameDiff back;
  private final String lstmDropout;
  private final List<GraphContext.DropoutSite> dropoutSites;
  private final DataType dataType;
  private final TftForward javaForward;
  private final boolean javaInference;
  private final TftBackward javaBackward;
  private final FrontBackward frontBackward;
  private final boolean javaTraining;

  /** Loss value and the gradient of every parameter (front, LSTM and back) by name. */
  public record Backward(double loss, Map<String, INDArray> gradients) {}

  private TftGraph(
      TftConfig config,
      SameDiff front,
      PerVariableGrns encoderGrns,
      PerVariableGrns decoderGrns,
      LstmEncoderDecoder lstm,
      SameDiff back,
      String lstmDropout,
      List<GraphContext.DropoutSite> dropoutSites,
      DataType dataType,
      TftForward javaForward,
      FrontBackward frontBackward) {
    this.config = config;
    this.front = front;
    this.encoderGrns = encoderGrns;
    this.decoderGrns = decoderGrns;
    this.lstm = lstm;
    this.back = back;
    this.lstmDropout = lstmDropout;
    this.dropoutSites = dropoutSites;
    this.dataType = dataType;
    this.javaForward = javaForward;
    this.javaInference = javaPath(INFERENCE_PROPERTY, "an inference");
    this.javaBackward = new TftBackward(config);
    this.frontBackward = frontBackward;
    this.javaTraining = javaPath(TRAINING_PROPERTY, "a training");
  }

  private static boolean javaPath(String property, String what) {
    String path = System.getProperty(property, "java");
    return switch (path) {
      case "java" -> true;
      case "samediff" -> false;
      default ->
          throw new IllegalArgumentException(
              "-D"
                  + property
                  + "="
                  + path
                  + " is not "
                  + what
                  + " path: use java (the default) or samediff");
    };
  }

  public static TftGraph build(TftConfig config) {
    SameDiffChatter.silence();
    Nd4jClassLoader.pin();
    ShapeInfoCache.install();
    DataType dt = DataType.valueOf(config.dataType());
    SameDiff front = SameDiff.create();
    GraphContext g = new GraphContext(front, dt, new Random(config.seed()), config.dropout());
    long h = config.hiddenSize();
    long dc = config.hiddenContinuousSize();
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int total = config.totalLength();
    int nEnc = config.encoderVariables();
    int nDec = config.decoderVariables();

    // inputs: per-variable transforms of static, encoder and decoder variables
    SDVariable staticReal = front.placeHolder(STATIC_REAL, dt, -1, config.staticRealInputs());
    SDVariable staticVars =
        InputTransform.reals(g, "static_prescale", staticReal, config.staticRealInputs(), dc);
    if (config.staticCategoricals() > 0) {
      SDVariable oneHot =
          front.placeHolder(
              STATIC_CATEGORICAL, dt, config.staticCategoricals(), -1, config.hashBuckets());
      SDVariable embedded =
          InputTransform.categoricals(
              g, "static_embedding", oneHot, config.staticCategoricals(), config.hashBuckets(), dc);
      staticVars = front.concat(0, embedded, staticVars);
    }
    SDVariable encReal = front.placeHolder(ENCODER_REAL, dt, -1, tEnc, nEnc);
    SDVariable decReal = front.placeHolder(DECODER_REAL, dt, -1, tDec, nDec);
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
    // (in the graph for inference; their per-variable GRNs also in Java, for training)
    VariableSelectionNetwork.Split encSel =
        new VariableSelectionNetwork("encoder_vsn", nEnc, dc, h, h, tEnc)
            .buildWithJavaGrns(g, encVars, ctx.selection());
    VariableSelectionNetwork.Split decSel =
        new VariableSelectionNetwork("decoder_vsn", nDec, dc, h, h, tDec)
            .buildWithJavaGrns(g, decVars, ctx.selection());
    front.identity(
        SELECTED, timeConcat(front, encSel.selected(), decSel.selected(), tEnc, tDec, h));
    Map<String, long[]> handOverShapes = new HashMap<>();
    handOver(front, handOverShapes, ENCODER_VARIABLES, encVars, nEnc, -1, dc);
    handOver(front, handOverShapes, ENCODER_SELECTION, encSel.weights(), -1, nEnc);
    handOver(front, handOverShapes, DECODER_VARIABLES, decVars, nDec, -1, dc);
    handOver(front, handOverShapes, DECODER_SELECTION, decSel.weights(), -1, nDec);
    handOver(front, handOverShapes, CONTEXT_HIDDEN, ctx.hidden(), -1, h);
    handOver(front, handOverShapes, CONTEXT_CELL, ctx.cell(), -1, h);
    handOver(front, handOverShapes, CONTEXT_ENRICHMENT, ctx.enrichment(), -1, h);
    front.identity(STATIC_WEIGHTS, staticSel.weights());
    front.identity(ENCODER_WEIGHTS, encSel.weights().reshape(-1, tEnc, nEnc));
    front.identity(DECODER_WEIGHTS, decSel.weights().reshape(-1, tDec, nDec));
    // backward through the front: the gradient of Σ sum(out ∘ upstream) is the chain rule's
    // vector-Jacobian product
    SDVariable surrogate = null;
    for (String name : HAND_OVER) {
      SDVariable upstream = front.placeHolder(name + GRADIENT, dt, handOverShapes.get(name));
      SDVariable term = front.getVariable(name).mul(upstream).sum();
      surrogate = surrogate == null ? term : surrogate.add(term);
    }
    front.identity(FRONT_LOSS, surrogate);
    front.setLossVariables(FRONT_LOSS);

    // LSTM encoder-decoder from the static state contexts (in Java, between the two graphs)
    LstmEncoderDecoder lstm = new LstmEncoderDecoder(g, "lstm", h, config.lstmLayers(), tEnc, tDec);

    // the temporal fusion decoder, fed with the LSTM output (its dropout applied before it is fed,
    // see GraphContext.externalDropout), the LSTM's inputs and the enrichment context
    SameDiff back = SameDiff.create();
    GraphContext gb = g.over(back);
    String lstmDropout = gb.externalDropout("post_lstm/glu", new long[] {-1, h}, 0, total);
    TemporalFusionDecoder.Output decoded =
        new TemporalFusionDecoder(
                h,
                config.attentionHeads(),
                tEnc,
                tDec,
                config.quantiles().length,
                config.medianIndex())
            .build(
                gb,
                back.placeHolder(LSTM_OUTPUT, dt, -1, h),
                back.placeHolder(SELECTED_INPUT, dt, -1, h),
                back.placeHolder(ENRICHMENT_INPUT, dt, -1, h));
    SDVariable quantileRows = decoded.quantiles();
    back.identity(PREDICTION, quantileRows.reshape(-1, tDec, config.quantiles().length));
    back.identity(ATTENTION, decoded.attention());

    // training loss on the scaled target
    SDVariable target = back.placeHolder(TARGET, dt, -1, tDec);
    SDVariable weight = back.placeHolder(TARGET_WEIGHT, dt, -1, tDec);
    SDVariable loss =
        new QuantileLoss(config.quantiles())
            .build(gb, LOSS, quantileRows, target.reshape(-1, 1), weight.reshape(-1, 1));
    back.setLossVariables(loss);

    List<GraphContext.DropoutSite> sites = new ArrayList<>(g.dropoutSites());
    sites.addAll(gb.dropoutSites());
    // the same model in plain ND4J ops for inference, over the same arrays
    PerVariableGrns staticGrns =
        PerVariableGrns.sharing(
            g,
            "static_vsn/var_grn",
            config.staticVariables(),
            (int) dc,
            (int) Math.min(dc, h),
            (int) h);
    TftForward javaForward = new TftForward(config, staticGrns, encSel.grns(), decSel.grns(), lstm);
    return new TftGraph(
        config,
        front,
        encSel.grns(),
        decSel.grns(),
        lstm,
        back,
        lstmDropout,
        List.copyOf(sites),
        dt,
        javaForward,
        new FrontBackward(config, staticGrns));
  }

  private static SDVariable timeConcat(
      SameDiff sd, SDVariable enc, SDVariable dec, int tEnc, int tDec, long h) {
    return sd.concat(1, enc.reshape(-1, tEnc, h), dec.reshape(-1, tDec, h)).reshape(-1, h);
  }

  private static void handOver(
      SameDiff sd, Map<String, long[]> shapes, String name, SDVariable value, long... shape) {
    sd.identity(name, value);
    shapes.put(name, shape);
  }

  /** Both temporal selections' outputs as the LSTM's input rows {@code [B*T, H]}. */
  private record Selection(
      INDArray selected, PerVariableGrns.Pass encoder, PerVariableGrns.Pass decoder) {}

  private Selection select(
      Map<String, INDArray> feeds, Map<String, INDArray> frontOut, boolean keepForBackward) {
    PerVariableGrns.Pass enc =
        encoderGrns.forward(
            frontOut.get(ENCODER_VARIABLES),
            frontOut.get(ENCODER_SELECTION),
            mask(feeds, encoderGrns),
            keepForBackward);
    PerVariableGrns.Pass dec =
        decoderGrns.forward(
            frontOut.get(DECODER_VARIABLES),
            frontOut.get(DECODER_SELECTION),
            mask(feeds, decoderGrns),
            keepForBackward);
    long h = config.hiddenSize();
    long batch = enc.output().size(0) / config.encoderLength();
    INDArray selected =
        Nd4j.concat(
                1,
                enc.output().reshape(batch, config.encoderLength(), h),
                dec.output().reshape(batch, config.horizon(), h))
            .reshape(batch * config.totalLength(), h);
    return new Selection(selected, enc, dec);
  }

  private static INDArray mask(Map<String, INDArray> feeds, PerVariableGrns grns) {
    return grns.dropoutMask() == null ? null : feeds.get(grns.dropoutMask());
  }

  /** Rows {@code [B*(to-from), H]} of steps [from, to) of each window of {@code rows [B*T, H]}. */
  private INDArray steps(INDArray rows, int from, int to) {
    long h = config.hiddenSize();
    long batch = rows.size(0) / config.totalLength();
    return rows.reshape(batch, config.totalLength(), h)
        .get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all())
        .dup('c')
        .reshape(batch * (to - from), h);
  }

  /**
   * Runs the model on {@code feeds} (inputs, dropout masks and, for the loss, targets) and returns
   * the named outputs; the front graph's interpretability outputs can be asked for too. Dropout
   * masks left out are ones (inference; the Java pass then skips them). Outputs that {@link
   * TftForward} computes (prediction, attention, selection weights, loss) come from it unless
   * {@code -Dtft.inference=samediff}; any other name (a test's own loss in {@link #back()}, say)
   * runs the graphs.
   */
  public Map<String, INDArray> output(Map<String, INDArray> feeds, String... outputs) {
    if (javaInference && TftForward.OUTPUTS.containsAll(List.of(outputs))) {
      return ForwardWorkspace.run(
          feeds.get(ENCODER_REAL).size(0),
          () -> javaForward.output(this::parameter, feeds, List.of(outputs)));
    }
    return sameDiffOutput(feeds, outputs);
  }

  /** The live array of parameter {@code name} (front graph, LSTM or back graph), or null. */
  private INDArray parameter(String name) {
    INDArray lstmParameter = lstm.parameters().get(name);
    if (lstmParameter != null) {
      return lstmParameter;
    }
    SameDiff sd = front.hasVariable(name) ? front : back;
    SDVariable v = sd.hasVariable(name) ? sd.getVariable(name) : null;
    return v == null ? null : v.getArr();
  }

  /**
   * {@link #output} through the SameDiff graphs and the Java LSTM: the reference. Dropout masks
   * missing from {@code feeds} are ones.
   */
  public Map<String, INDArray> sameDiffOutput(Map<String, INDArray> given, String... outputs) {
    Map<String, INDArray> feeds = withOnesMasks(given);
    List<String> fromFront = new ArrayList<>(INFERENCE_HAND_OVER);
    List<String> fromBack = new ArrayList<>();
    for (String name : outputs) {
      // back first: both graphs have automatically named variables ("reduce_sum", ...)
      (back.hasVariable(name) ? fromBack : fromFront).add(name);
    }
    Map<String, INDArray> frontOut =
        front.output(only(front, feeds), fromFront.toArray(new String[0]));
    Map<String, INDArray> result = new LinkedHashMap<>();
    for (String name : outputs) {
      if (frontOut.containsKey(name) && !fromBack.contains(name)) {
        result.put(name, frontOut.get(name));
      }
    }
    if (fromBack.isEmpty()) {
      return result;
    }
    INDArray selected = frontOut.get(SELECTED);
    LstmEncoderDecoder.Pass pass =
        lstm.forward(selected, frontOut.get(CONTEXT_HIDDEN), frontOut.get(CONTEXT_CELL), false);
    result.putAll(
        back.output(backFeeds(feeds, frontOut, selected, pass), fromBack.toArray(new String[0])));
    return result;
  }

  /** {@code feeds} with a mask of ones for every dropout site it has no mask for. */
  private Map<String, INDArray> withOnesMasks(Map<String, INDArray> feeds) {
    Map<String, INDArray> f = null;
    for (GraphContext.DropoutSite site : dropoutSites) {
      if (!feeds.containsKey(site.name())) {
        if (f == null) {
          f = new HashMap<>(feeds);
        }
        int batch = (int) feeds.get(ENCODER_REAL).size(0);
        f.put(site.name(), Nd4j.ones(dataType, site.shape(batch)));
      }
    }
    return f == null ? feeds : f;
  }

  /**
   * The value of the back graph's loss variable {@code lossName} and the gradient of every
   * parameter: forward through front, LSTM and back, then the back graph's gradients (parameters
   * and its three inputs), the LSTM's backward pass, and the front graph's vector-Jacobian product.
   * On the Java path for {@link #LOSS}, the pass runs in this thread's {@link TrainingWorkspace}
   * and the gradients returned are copies outside of it.
   */
  public Backward backward(Map<String, INDArray> feeds, String lossName) {
    if (!javaTraining || !LOSS.equals(lossName)) {
      return backward(feeds, lossName, javaTraining);
    }
    double[] loss = new double[1];
    Map<String, INDArray> gradients =
        TrainingWorkspace.run(
            () -> {
              Backward b = backward(feeds, lossName, true);
              loss[0] = b.loss();
              return b.gradients();
            });
    return new Backward(loss[0], gradients);
  }

  /**
   * {@link #backward} with the decoder's gradients from {@link TftBackward} ({@code java}, for
   * {@link #LOSS} only) or from the back graph's gradient function, and the front's forward pass
   * and gradients from {@link FrontBackward} ({@code java}) or from the front graph.
   */
  Backward backward(Map<String, INDArray> feeds, String lossName, boolean java) {
    if (!back.getLossVariables().equals(List.of(lossName))) {
      // SameDiff differentiates the graph's loss variables, whatever output is asked for
      throw new IllegalArgumentException(
          "'"
              + lossName
              + "' is not the loss variable of the graph after the LSTM, which is "
              + back.getLossVariables());
    }
    Map<String, INDArray> frontFeeds = only(front, feeds);
    FrontBackward.Pass frontPass = null;
    Map<String, INDArray> frontOut;
    if (java) {
      frontPass = frontBackward.train(this::parameter, feeds);
      frontOut = new HashMap<>();
      frontOut.put(ENCODER_VARIABLES, frontPass.encoderVariables());
      frontOut.put(ENCODER_SELECTION, frontPass.encoderWeights());
      frontOut.put(DECODER_VARIABLES, frontPass.decoderVariables());
      frontOut.put(DECODER_SELECTION, frontPass.decoderWeights());
      frontOut.put(CONTEXT_HIDDEN, frontPass.contextHidden());
      frontOut.put(CONTEXT_CELL, frontPass.contextCell());
      frontOut.put(CONTEXT_ENRICHMENT, frontPass.contextEnrichment());
    } else {
      frontOut = front.output(frontFeeds, HAND_OVER.toArray(new String[0]));
    }
    INDArray h0 = frontOut.get(CONTEXT_HIDDEN);
    INDArray c0 = frontOut.get(CONTEXT_CELL);
    Selection selection = select(feeds, frontOut, true);
    LstmEncoderDecoder.Pass pass = lstm.forward(selection.selected(), h0, c0, true);

    Map<String, INDArray> backFeeds = backFeeds(feeds, frontOut, selection.selected(), pass);
    Map<String, INDArray> backGrads;
    double loss;
    if (java && LOSS.equals(lossName)) {
      TftBackward.Decoder d =
          javaBackward.decoder(
              this::parameter,
              feeds,
              backFeeds.get(LSTM_OUTPUT),
              selection.selected(),
              frontOut.get(CONTEXT_ENRICHMENT));
      backGrads = new HashMap<>(d.gradients());
      backGrads.put(LSTM_OUTPUT, d.lstmOutput());
      backGrads.put(SELECTED_INPUT, d.selected());
      backGrads.put(ENRICHMENT_INPUT, d.enrichmentContext());
      loss = d.loss();
    } else {
      List<String> backWanted = new ArrayList<>(parameterNames(back));
      backWanted.addAll(List.of(LSTM_OUTPUT, SELECTED_INPUT, ENRICHMENT_INPUT));
      var backResult = back.calculateGradientsAndOutputs(backFeeds, List.of(lossName), backWanted);
      backGrads = backResult.getGradients();
      loss = backResult.getOutputs().get(lossName).getDouble(0);
    }
    INDArray dLstm = backGrads.get(LSTM_OUTPUT);
    if (lstmDropout != null) {
      dLstm = dLstm.mul(feeds.get(lstmDropout));
    }
    LstmEncoderDecoder.Gradients lstmGrads = lstm.backward(pass, dLstm, h0, c0);

    INDArray dSelected = backGrads.get(SELECTED_INPUT).add(lstmGrads.input());
    int tEnc = config.encoderLength();
    PerVariableGrns.Gradients encGrads =
        encoderGrns.backward(selection.encoder(), steps(dSelected, 0, tEnc));
    PerVariableGrns.Gradients decGrads =
        decoderGrns.backward(selection.decoder(), steps(dSelected, tEnc, config.totalLength()));
    Map<String, INDArray> frontGrads;
    if (java) {
      frontGrads =
          frontBackward.backward(
              frontPass,
              new FrontBackward.Upstream(
                  encGrads.input(),
                  encGrads.weights(),
                  decGrads.input(),
                  decGrads.weights(),
                  lstmGrads.initialHidden(),
                  lstmGrads.initialCell(),
                  backGrads.get(ENRICHMENT_INPUT)));
    } else {
      Map<String, INDArray> upstream = new HashMap<>(frontFeeds);
      upstream.put(ENCODER_VARIABLES + GRADIENT, encGrads.input());
      upstream.put(ENCODER_SELECTION + GRADIENT, encGrads.weights());
      upstream.put(DECODER_VARIABLES + GRADIENT, decGrads.input());
      upstream.put(DECODER_SELECTION + GRADIENT, decGrads.weights());
      upstream.put(CONTEXT_HIDDEN + GRADIENT, lstmGrads.initialHidden());
      upstream.put(CONTEXT_CELL + GRADIENT, lstmGrads.initialCell());
      upstream.put(CONTEXT_ENRICHMENT + GRADIENT, backGrads.get(ENRICHMENT_INPUT));
      List<String> frontParams = new ArrayList<>(parameterNames(front));
      frontParams.removeAll(encoderGrns.parameters().keySet());
      frontParams.removeAll(decoderGrns.parameters().keySet());
      frontGrads = front.calculateGradients(upstream, frontParams);
    }

    Map<String, INDArray> all = new LinkedHashMap<>();
    for (String name : parameters().keySet()) {
      INDArray grad =
          frontGrads.containsKey(name)
              ? frontGrads.get(name)
              : encGrads.params().containsKey(name)
                  ? encGrads.params().get(name)
                  : decGrads.params().containsKey(name)
                      ? decGrads.params().get(name)
                      : lstmGrads.params().containsKey(name)
                          ? lstmGrads.params().get(name)
                          : backGrads.get(name);
      all.put(name, grad);
    }
    return new Backward(loss, all);
  }

  private Map<String, INDArray> backFeeds(
      Map<String, INDArray> feeds,
      Map<String, INDArray> frontOut,
      INDArray selected,
      LstmEncoderDecoder.Pass pass) {
    Map<String, INDArray> f = only(back, feeds);
    INDArray lstmOut = pass.output();
    f.put(LSTM_OUTPUT, lstmDropout == null ? lstmOut : lstmOut.mul(feeds.get(lstmDropout)));
    f.put(SELECTED_INPUT, selected);
    f.put(ENRICHMENT_INPUT, frontOut.get(CONTEXT_ENRICHMENT));
    return f;
  }

  /** The feeds that are placeholders of {@code sd}: SameDiff rejects unknown ones. */
  private static Map<String, INDArray> only(SameDiff sd, Map<String, INDArray> feeds) {
    Set<String> inputs = Set.copyOf(sd.inputs());
    Map<String, INDArray> f = new HashMap<>();
    feeds.forEach(
        (k, v) -> {
          if (inputs.contains(k)) {
            f.put(k, v);
          }
        });
    return f;
  }

  private static List<String> parameterNames(SameDiff sd) {
    List<String> names = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        names.add(v.name());
      }
    }
    return names;
  }

  /** The live trainable arrays by scoped name: front graph, LSTM, back graph. */
  public Map<String, INDArray> parameters() {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (String name : parameterNames(front)) {
      p.put(name, front.getVariable(name).getArr());
    }
    p.putAll(lstm.parameters());
    for (String name : parameterNames(back)) {
      p.put(name, back.getVariable(name).getArr());
    }
    return p;
  }

  /** Graph operations per forward pass (the LSTM counts as none: it runs outside SameDiff). */
  public int operationCount() {
    return front.ops().length + back.ops().length;
  }

  /** The graph after the LSTM, where a loss is defined (tests add their own there). */
  public SameDiff back() {
    return back;
  }

  public TftConfig config() {
    return config;
  }

  public List<GraphContext.DropoutSite> dropoutSites() {
    return dropoutSites;
  }

  public DataType dataType() {
    return dataType;
  }
}
