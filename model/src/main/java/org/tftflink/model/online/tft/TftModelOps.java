package org.tftflink.model.online.tft;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.train.FineTuneSettings;
import org.tftflink.model.tft.train.TftFineTuner;
import org.tftflink.model.tft.train.TftTrainer;

/**
 * The TFT for the learning core: versions are {@link TftWeights} values, and one long-lived working
 * {@link TftModel} (built once, since a SameDiff graph costs a second or more) takes each version's
 * weights for predict, loss and train.
 *
 * <p>Not thread-safe: an instance owns its working model, so each thread (the Flink trainer, the
 * serving path, an evaluation run) keeps its own instance. A version with another configuration or
 * feature scaler than the working model's rebuilds it.
 */
public final class TftModelOps implements ModelOps<TftWeights> {
  private TftModel working;
  private TftTrainer evaluator;
  private TftFineTuner tuner;
  // the version whose weights the working model holds, or null when unknown (after a failure)
  private TftWeights loaded;

  /** Ops whose working model is built for {@code first}'s configuration and scaler. */
  public TftModelOps(TftWeights first) {
    build(first);
  }

  /** Ops for the version in an envelope, with that version (see {@link #initial()}). */
  public static TftModelOps fromEnvelope(byte[] envelope) {
    return new TftModelOps(TftWeights.of(ModelDataSerializer.deserialize(envelope)));
  }

  /** The version the working model was built from or last loaded. */
  public TftWeights initial() {
    return loaded;
  }

  private void build(TftWeights w) {
    working = TftModel.restore(w.config(), w.scaler(), w.sharedParameters());
    evaluator = new TftTrainer(working);
    tuner = new TftFineTuner(working);
    loaded = w;
  }

  private void load(TftWeights w) {
    if (w == loaded) {
      return;
    }
    if (!w.sameGraphAndScaling(working.config(), working.scaler())) {
      build(w);
      return;
    }
    for (Map.Entry<String, INDArray> e : working.parameters().entrySet()) {
      double[] v = w.sharedParameters().get(e.getKey());
      if (v == null || v.length != e.getValue().length()) {
        throw new IllegalArgumentException(
            "version has no parameter " + e.getKey() + " of the working model's shape");
      }
      INDArray p = e.getValue();
      p.assign(Nd4j.create(v, p.shape(), DataType.DOUBLE).castTo(p.dataType()));
    }
    loaded = w;
  }

  @Override
  public double[] quantiles() {
    return working.config().quantiles();
  }

  /** The feature scaler's global target statistics (the per-window scaling is relative to them). */
  @Override
  public SampleScreen.Scale targetScale(TftWeights model) {
    return new SampleScreen.Scale(
        model.scaler().observedMean()[0], model.scaler().observedStd()[0]);
  }

  @Override
  public double[][][] predict(TftWeights model, List<TftWindow> windows) {
    load(model);
    List<Forecast> f = working.predict(windows);
    double[][][] out = new double[f.size()][][];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.get(i).values();
    }
    return out;
  }

  @Override
  public double loss(TftWeights model, List<TrainingSample> samples) {
    load(model);
    return evaluator.loss(samples);
  }

  /**
   * The graph's loss computed from forecasts already made: per observed point the pinball loss
   * summed over quantiles, divided by the window's target scale (the graph scores scaled targets,
   * and pinball loss scales with its argument), averaged over observed points. Equals {@link #loss}
   * up to the graph's float rounding; a model with another scaler runs the graph instead.
   */
  @Override
  public double forecastLoss(
      TftWeights model, List<TrainingSample> samples, List<double[][]> forecasts) {
    if (forecasts.size() != samples.size()) {
      throw new IllegalArgumentException(
          samples.size() + " samples but " + forecasts.size() + " forecasts");
    }
    if (!model.sameGraphAndScaling(working.config(), working.scaler())) {
      return loss(model, samples);
    }
    double[] q = working.config().quantiles();
    double sum = 0;
    long points = 0;
    for (int i = 0; i < samples.size(); i++) {
      TrainingSample s = samples.get(i);
      double[][] f = forecasts.get(i);
      double scale = working.encoder().targetScale(s.window());
      double[] y = s.futureTarget();
      for (int t = 0; t < y.length; t++) {
        if (Double.isNaN(y[t])) {
          continue;
        }
        double point = 0;
        for (int k = 0; k < q.length; k++) {
          double e = y[t] - f[t][k];
          point += Math.max(q[k] * e, (q[k] - 1) * e);
        }
        sum += point / scale;
        points++;
      }
    }
    return points == 0 ? Double.NaN : sum / points;
  }

  /**
   * Fine-tunes a copy of {@code parent}: {@code settings.epochs()} seeded-shuffle epochs in batches
   * of {@code settings.batchSize()}, Adam continued from the parent's moments (fresh ones with
   * {@code resetOptimizer} or when the parent has none). An aborted candidate carries the parent
   * and the reason: a non-finite loss, gradient or weight, or settings this model cannot follow (an
   * unknown trainable block).
   */
  @Override
  public Candidate<TftWeights> train(
      TftWeights parent,
      List<TrainingSample> train,
      List<TrainingSample> anchors,
      UpdateSettings settings) {
    if (train.isEmpty()) {
      return new Candidate<>(parent, Double.NaN, 0, 0, "no training samples");
    }
    load(parent);
    loaded = null; // the working model's weights change from here on
    TftFineTuner.Result r;
    try {
      FineTuneSettings s =
          new FineTuneSettings(
              settings.learningRate(),
              settings.epochs(),
              settings.batchSize(),
              0,
              settings.clipNorm(),
              settings.resetOptimizer(),
              settings.trainableBlocks(),
              settings.ewcWeight(),
              settings.distillationWeight(),
              settings.seed());
      r = tuner.tune(train, anchors, parent.optimizer(), s);
    } catch (IllegalArgumentException e) {
      return new Candidate<>(parent, Double.NaN, 0, 0, "invalid update: " + e.getMessage());
    }
    if (r.aborted()) {
      loaded = parent; // the tuner put the parent's weights back
      return new Candidate<>(parent, Double.NaN, r.steps(), r.samples(), r.abortReason());
    }
    TftWeights candidate = TftWeights.of(working, r.optimizer());
    loaded = candidate;
    return new Candidate<>(candidate, r.trainLoss(), r.steps(), train.size(), null);
  }

  /**
   * The version's envelope with its optimizer state and no lineage (version, epoch and parent are
   * {@link ModelData#NONE}: the learner keeps versions); publish with {@link
   * TftWeights#toModelData} instead.
   */
  @Override
  public byte[] encode(TftWeights model) {
    return ModelDataSerializer.serialize(
        model.toModelData(
            ModelData.NONE,
            ModelData.NONE,
            ModelData.NONE,
            ModelData.NONE,
            0,
            Map.of(),
            Map.of(),
            true));
  }

  @Override
  public TftWeights decode(byte[] bytes) {
    return TftWeights.of(ModelDataSerializer.deserialize(bytes));
  }
}
