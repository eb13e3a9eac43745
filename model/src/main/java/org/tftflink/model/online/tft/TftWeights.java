package org.tftflink.model.online.tft;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.OptimizerState;
import org.tftflink.model.tft.envelope.WeightsCodec;

/**
 * One TFT version as an immutable value for the learning core: configuration, feature scaler,
 * parameter values by scoped name and Adam's state (null: none kept yet). It holds no SameDiff
 * graph, which costs a second or more to build; {@link TftModelOps} loads it into its working
 * model.
 */
public final class TftWeights {
  private final TftConfig config;
  private final FeatureScaler scaler;
  private final Map<String, double[]> parameters;
  private final OptimizerState optimizer;

  /** Copies {@code parameters}; the scaler is never mutated by this project's code. */
  public TftWeights(
      TftConfig config,
      FeatureScaler scaler,
      Map<String, double[]> parameters,
      OptimizerState optimizer) {
    this.config = config;
    this.scaler = scaler;
    Map<String, double[]> copy = new LinkedHashMap<>();
    parameters.forEach((k, v) -> copy.put(k, v.clone()));
    this.parameters = Collections.unmodifiableMap(copy);
    this.optimizer = optimizer;
  }

  /** The weights and optimizer state of an envelope (none for a format-1 envelope). */
  public static TftWeights of(ModelData data) {
    WeightsCodec.Contents c = WeightsCodec.read(data.weights());
    return new TftWeights(data.config(), c.scaler(), c.parameters(), data.optimizer());
  }

  /** A built model's current weights with the given optimizer state. */
  public static TftWeights of(TftModel model, OptimizerState optimizer) {
    return new TftWeights(model.config(), model.scaler(), model.parameterValues(), optimizer);
  }

  public TftConfig config() {
    return config;
  }

  public FeatureScaler scaler() {
    return scaler;
  }

  /** The values of one parameter, a copy. */
  public double[] parameter(String name) {
    double[] v = parameters.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "'");
    }
    return v.clone();
  }

  public java.util.Set<String> parameterNames() {
    return parameters.keySet();
  }

  /** The values by name without copying, for loading into a model (callers must not mutate). */
  Map<String, double[]> sharedParameters() {
    return parameters;
  }

  /** Adam's state after the training that produced these weights, or null. */
  public OptimizerState optimizer() {
    return optimizer;
  }

  /** The same weights with {@code state}'s Adam moments (null: none). */
  public TftWeights withOptimizer(OptimizerState state) {
    return new TftWeights(config, scaler, parameters, state);
  }

  /**
   * Whether {@code state} fits these weights: Adam state (two values per element) for parameters
   * that exist here with the same lengths; an update from moments that do not fit would abort.
   */
  public boolean fits(OptimizerState state) {
    for (var e : state.moments().entrySet()) {
      double[] p = parameters.get(e.getKey());
      if (p == null || 2 * p.length != e.getValue().length) {
        return false;
      }
    }
    return true;
  }

  /** The same weights without optimizer state (what serving needs; a third of the bytes). */
  public TftWeights withoutOptimizer() {
    return new TftWeights(config, scaler, parameters, null);
  }

  /**
   * The envelope of this version with the given lineage and figures, optionally with its optimizer
   * state: what a trainer publishes.
   */
  public ModelData toModelData(
      long modelVersion,
      long epoch,
      long parentVersion,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> trainingFigures,
      Map<String, Double> validationFigures,
      boolean withOptimizer) {
    return new ModelData(
        modelVersion,
        epoch,
        parentVersion,
        restoredFrom,
        createdAtMs,
        trainingFigures,
        validationFigures,
        config,
        WeightsCodec.encode(scaler, parameters),
        withOptimizer ? optimizer : null);
  }

  /** Same configuration and feature scaling (the parts a working model is built from). */
  boolean sameGraphAndScaling(TftConfig otherConfig, FeatureScaler other) {
    return config.equals(otherConfig) && sameScaler(scaler, other);
  }

  static boolean sameScaler(FeatureScaler a, FeatureScaler b) {
    return Arrays.equals(a.observedMean(), b.observedMean())
        && Arrays.equals(a.observedStd(), b.observedStd())
        && Arrays.equals(a.knownMean(), b.knownMean())
        && Arrays.equals(a.knownStd(), b.knownStd())
        && Arrays.equals(a.staticMean(), b.staticMean())
        && Arrays.equals(a.staticStd(), b.staticStd());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TftWeights w)
        || !sameGraphAndScaling(w.config, w.scaler)
        || !java.util.Objects.equals(optimizer, w.optimizer)
        || !parameters.keySet().equals(w.parameters.keySet())) {
      return false;
    }
    for (Map.Entry<String, double[]> e : parameters.entrySet()) {
      if (!Arrays.equals(e.getValue(), w.parameters.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return config.hashCode() * 31 + parameters.keySet().hashCode();
  }

  @Override
  public String toString() {
    return "TftWeights[hidden="
        + config.hiddenSize()
        + ", encoder="
        + config.encoderLength()
        + ", parameters="
        + parameters.size()
        + ", optimizer="
        + (optimizer == null ? "none" : optimizer)
        + "]";
  }
}
