package org.tftflink.model.tft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.data.BatchEncoder;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.GraphContext;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * A built TFT with its feature scaler: predicts batches of windows in original units with attention
 * and variable-selection weights. One instance is not thread-safe; give each thread its own (same
 * weights, see {@link #copy()}).
 */
public final class TftModel {
  private final TftConfig config;
  private final TftGraph graph;
  private final FeatureScaler scaler;
  private final BatchEncoder encoder;
  private final Map<Integer, Map<String, INDArray>> onesMasks = new HashMap<>();

  private TftModel(TftConfig config, FeatureScaler scaler) {
    this.config = config;
    this.scaler = scaler;
    this.graph = TftGraph.build(config);
    this.encoder = new BatchEncoder(config, scaler);
  }

  /** A freshly initialised model (weights from the config's seed). */
  public static TftModel create(TftConfig config, FeatureScaler scaler) {
    return new TftModel(config, scaler);
  }

  /**
   * Rebuilds the graph from the config and restores the given parameter values: SameDiff.load
   * cannot read graphs with recurrent layers, and rebuilding keeps one code path for fresh and
   * restored models.
   */
  public static TftModel restore(
      TftConfig config, FeatureScaler scaler, Map<String, double[]> parameters) {
    TftModel m = new TftModel(config, scaler);
    Map<String, INDArray> own = m.parameters();
    if (!own.keySet().equals(parameters.keySet())) {
      throw new IllegalArgumentException(
          "parameter names do not match the config's graph: expected "
              + own.keySet().size()
              + " parameters, got "
              + parameters.keySet().size());
    }
    for (Map.Entry<String, INDArray> e : own.entrySet()) {
      double[] values = parameters.get(e.getKey());
      if (values.length != e.getValue().length()) {
        throw new IllegalArgumentException(
            "parameter "
                + e.getKey()
                + " has "
                + values.length
                + " values, the graph expects "
                + e.getValue().length());
      }
      e.getValue()
          .assign(Nd4j.create(values, e.getValue().shape()).castTo(e.getValue().dataType()));
    }
    return m;
  }

  /** An independent model with the same config, scaler and current weights. */
  public TftModel copy() {
    return restore(config, scaler, parameterValues());
  }

  public TftConfig config() {
    return config;
  }

  public FeatureScaler scaler() {
    return scaler;
  }

  public TftGraph graph() {
    return graph;
  }

  public BatchEncoder encoder() {
    return encoder;
  }

  /** The live trainable arrays by scoped name, in graph order. */
  public Map<String, INDArray> parameters() {
    return graph.parameters();
  }

  /** A copy of every parameter as doubles, by name. */
  public Map<String, double[]> parameterValues() {
    Map<String, double[]> p = new LinkedHashMap<>();
    parameters()
        .forEach(
            (k, v) ->
                p.put(
                    k,
                    v.dup().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble()));
    return p;
  }

  public long parameterCount() {
    return parameters().values().stream().mapToLong(INDArray::length).sum();
  }

  /** Forecasts for each window, in original units, with interpretability outputs. */
  public List<Forecast> predict(List<TftWindow> windows) {
    List<Forecast> out = new ArrayList<>(windows.size());
    // 256 windows at a time: at 1024 the activations of the variable selection networks alone
    // are about 1 GB, and an evaluation of 2,857 windows exceeded javacpp's 6 GB physical cap
    int chunk = 256;
    for (int from = 0; from < windows.size(); from += chunk) {
      List<TftWindow> part = windows.subList(from, Math.min(windows.size(), from + chunk));
      EncodedBatch batch = encoder.encode(part);
      Map<String, INDArray> res =
          output(
              batch,
              TftGraph.PREDICTION,
              TftGraph.ATTENTION,
              TftGraph.STATIC_WEIGHTS,
              TftGraph.ENCODER_WEIGHTS,
              TftGraph.DECODER_WEIGHTS);
      double[][][] pred = toDouble3(res.get(TftGraph.PREDICTION));
      double[][][] att = toDouble3(res.get(TftGraph.ATTENTION));
      double[][] stat =
          res.get(TftGraph.STATIC_WEIGHTS)
              .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
              .toDoubleMatrix();
      double[][][] encW = toDouble3(res.get(TftGraph.ENCODER_WEIGHTS));
      double[][][] decW = toDouble3(res.get(TftGraph.DECODER_WEIGHTS));
      for (int i = 0; i < part.size(); i++) {
        double[][] values = pred[i];
        for (double[] step : values) {
          for (int k = 0; k < step.length; k++) {
            step[k] = batch.location()[i] + batch.scale()[i] * step[k];
          }
        }
        out.add(new Forecast(config.quantiles(), values, att[i], stat[i], encW[i], decW[i]));
      }
    }
    return out;
  }

  /**
   * Runs the graph on an encoded batch with dropout disabled: no masks are fed, which the graph
   * takes as ones (and its Java forward pass as nothing to multiply).
   */
  public Map<String, INDArray> output(EncodedBatch batch, String... outputs) {
    return graph.output(batch.feeds(), outputs);
  }

  /**
   * The batch's feeds plus dropout masks: for training ({@code random} given), Bernoulli masks
   * scaled by 1/(1-p) drawn from that generator, so each trainer is reproducible on its own;
   * otherwise ones.
   */
  public Map<String, INDArray> withMasks(
      EncodedBatch batch, org.nd4j.linalg.api.rng.Random random) {
    Map<String, INDArray> feeds = new HashMap<>(batch.feeds());
    if (random == null) {
      feeds.putAll(onesMasks.computeIfAbsent(batch.size(), this::ones));
      return feeds;
    }
    double keep = 1 - config.dropout();
    for (GraphContext.DropoutSite site : graph.dropoutSites()) {
      long[] shape = site.shape(batch.size());
      INDArray mask =
          Nd4j.getExecutioner()
              .exec(
                  new BernoulliDistribution(
                      Nd4j.createUninitialized(graph.dataType(), shape), keep),
                  random);
      feeds.put(site.name(), mask.divi(keep));
    }
    return feeds;
  }

  private Map<String, INDArray> ones(int batch) {
    Map<String, INDArray> m = new HashMap<>();
    for (GraphContext.DropoutSite site : graph.dropoutSites()) {
      m.put(site.name(), Nd4j.ones(graph.dataType(), site.shape(batch)));
    }
    return m;
  }

  /** One bulk copy, then plain indexing: slice(i).toDoubleMatrix() per window took 0.5 s at 128. */
  private static double[][][] toDouble3(INDArray a) {
    double[] flat = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
    int b = (int) a.size(0);
    int rows = (int) a.size(1);
    int cols = (int) a.size(2);
    double[][][] r = new double[b][rows][cols];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < rows; j++) {
        System.arraycopy(flat, (i * rows + j) * cols, r[i][j], 0, cols);
      }
    }
    return r;
  }
}
