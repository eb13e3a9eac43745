package org.tftflink.model.tft.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.envelope.OptimizerState;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * Trains a {@link TftModel} in place: Adam, gradient clipping by global norm, dropout masks, fixed
 * seed, early stopping on validation loss (the best epoch's weights are kept), optional wall-time
 * budget. A manual loop because SameDiff's TrainingConfig has no global-norm clipping.
 */
public final class TftTrainer {
  /**
   * Samples per forward-backward pass; a larger batch accumulates gradients over passes of this
   * size. On 2 cores, ETTh1 trained at 94 samples/s in passes of 64 and 46 in passes of 128: a
   * pass's activations at 128 outgrow SameDiff's array cache and javacpp's memory cap.
   */
  static final int MICRO_BATCH = 64;

  private final TftModel model;
  private final int microBatch;
  private final TftConfig config;
  private final Map<String, INDArray> params;
  private final BatchGradient gradient;
  private final AdamUpdate optimizer;
  private final org.nd4j.linalg.api.rng.Random random;

  public TftTrainer(TftModel model) {
    this(model, model.config().learningRate());
  }

  /**
   * A trainer with its own learning rate (online updates use a smaller one than the initial fit).
   */
  public TftTrainer(TftModel model, double learningRate) {
    this(model, learningRate, MICRO_BATCH);
  }

  /** A trainer whose forward-backward passes take at most {@code microBatch} samples. */
  TftTrainer(TftModel model, double learningRate, int microBatch) {
    this.model = model;
    this.microBatch = Math.min(microBatch, model.config().batchSize());
    this.config = model.config();
    this.params = model.parameters();
    this.gradient = new BatchGradient(model, this.microBatch);
    this.optimizer = new AdamUpdate(params, learningRate, null);
    this.random = DropoutRandom.seeded(config.seed());
  }

  /**
   * One Adam step on at most {@code batchSize} samples; returns the batch loss before the step. The
   * gradient is accumulated over passes of at most {@link #MICRO_BATCH} samples, each weighted by
   * its share of observed points, which gives the gradient of the whole batch's loss. A short pass
   * is padded with copies whose actuals are missing (weight 0), which changes neither loss nor
   * gradient: SameDiff 1.0.0-M2.1's strided_slice_bp keeps the shape of its first run, so the
   * gradient graph must always see the same batch size (a smaller last batch failed with "lengths
   * of arrays are mismatched").
   */
  public double step(List<TrainingSample> batch) {
    if (batch.isEmpty() || batch.size() > config.batchSize()) {
      throw new IllegalArgumentException(
          "a training step takes 1.." + config.batchSize() + " samples, got " + batch.size());
    }
    BatchGradient.Result r = gradient.compute(batch, null, random);
    Map<String, INDArray> grads = r.gradients();
    optimizer.apply(
        grads,
        params.keySet(),
        AdamUpdate.globalNorm(grads, params.keySet()),
        config.gradientClipNorm());
    return r.loss();
  }

  /**
   * Adam's current state (moments, iteration, learning rate), for the envelope: after {@link #fit}
   * the moments are those of the last epoch run, while the weights are the best epoch's.
   */
  public OptimizerState optimizerState() {
    return optimizer.state();
  }

  /**
   * Mean pinball loss (scaled units, summed over quantiles) over all observed horizon points; no
   * dropout.
   */
  public double loss(List<TrainingSample> samples) {
    double weighted = 0;
    double points = 0;
    int batch = Math.max(config.batchSize(), 256);
    for (int from = 0; from < samples.size(); from += batch) {
      EncodedBatch encoded =
          gradient.encode(samples.subList(from, Math.min(samples.size(), from + batch)));
      double w = BatchGradient.weight(encoded);
      weighted += model.output(encoded, TftGraph.LOSS).get(TftGraph.LOSS).getDouble(0) * w;
      points += w;
    }
    return points == 0 ? Double.NaN : weighted / points;
  }

  /**
   * Trains for up to {@code maxEpochs}, stopping after {@code earlyStoppingPatience} epochs without
   * validation improvement or when the time budget is spent; the model ends with the best epoch's
   * weights. With a plateau decay, each epoch without improvement restarts from the best weights at
   * a smaller learning rate.
   */
  public TrainingResult fit(
      List<TrainingSample> train,
      List<TrainingSample> validation,
      Duration timeBudget,
      Consumer<String> progress) {
    long start = System.currentTimeMillis();
    Random shuffle = new Random(config.seed());
    List<EpochReport> reports = new ArrayList<>();
    Map<String, INDArray> best = snapshot();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    int sinceBest = 0;
    boolean byBudget = false;
    long seen = 0;
    for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
      long epochStart = System.currentTimeMillis();
      List<TrainingSample> order = new ArrayList<>(train);
      Collections.shuffle(order, shuffle);
      double lossSum = 0;
      int batches = 0;
      for (int from = 0; from < order.size(); from += config.batchSize()) {
        lossSum += step(order.subList(from, Math.min(order.size(), from + config.batchSize())));
        batches++;
        if (System.currentTimeMillis() - start > timeBudget.toMillis()) {
          byBudget = true;
          break;
        }
      }
      seen += Math.min(order.size(), (long) batches * config.batchSize());
      double trainSeconds = (System.currentTimeMillis() - epochStart) / 1000.0;
      double learningRate = optimizer.learningRate();
      double valLoss = validation.isEmpty() ? lossSum / batches : loss(validation);
      boolean improved = valLoss < bestLoss;
      if (improved) {
        bestLoss = valLoss;
        bestEpoch = epoch;
        sinceBest = 0;
        best = snapshot();
      } else {
        sinceBest++;
        if (config.plateauDecay() < 1) {
          // back to the best weights, on with smaller steps (the Adam moments carry over)
          restore(best);
          optimizer.setLearningRate(optimizer.learningRate() * config.plateauDecay());
        }
      }
      long elapsed = System.currentTimeMillis() - start;
      // a budget spent during validation ends the run too: a next epoch would stop after one batch
      // and report
      // that batch's loss as an epoch's (seen on ETTh1 with a 10-minute budget)
      byBudget |= elapsed > timeBudget.toMillis();
      // the run ends at the last epoch or when the budget is spent, whichever comes first
      long eta =
          Math.min(
              (elapsed / epoch) * (config.maxEpochs() - epoch),
              Math.max(0, timeBudget.toMillis() - elapsed));
      EpochReport r =
          new EpochReport(
              epoch,
              lossSum / batches,
              valLoss,
              Math.min(order.size(), batches * config.batchSize()) / trainSeconds,
              learningRate,
              elapsed,
              eta,
              improved);
      reports.add(r);
      progress.accept(r.line(config.maxEpochs()));
      if (byBudget || sinceBest >= config.earlyStoppingPatience()) {
        break;
      }
    }
    restore(best);
    boolean early = sinceBest >= config.earlyStoppingPatience();
    return new TrainingResult(
        reports, bestEpoch, bestLoss, seen, System.currentTimeMillis() - start, early, byBudget);
  }

  private Map<String, INDArray> snapshot() {
    Map<String, INDArray> copy = new LinkedHashMap<>();
    params.forEach((k, v) -> copy.put(k, v.dup()));
    return copy;
  }

  private void restore(Map<String, INDArray> values) {
    params.forEach((k, v) -> v.assign(values.get(k)));
  }
}
