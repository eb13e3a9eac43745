package org.tftflink.model.tft.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.envelope.OptimizerState;

/**
 * Fine-tunes a trained {@link TftModel} in place for an online update: Adam continued from saved
 * moments (or restarted), its own learning rate, global-norm clipping, a bounded number of steps,
 * only chosen blocks trained, optional EWC and distillation on anchor samples. A non-finite loss,
 * gradient or weight aborts the run and puts the model's weights back as they were.
 */
public final class TftFineTuner {
  private final TftModel model;
  private final BatchGradient gradient;

  public TftFineTuner(TftModel model) {
    this.model = model;
    this.gradient =
        new BatchGradient(model, Math.min(TftTrainer.MICRO_BATCH, model.config().batchSize()));
  }

  /** What a run produced: the optimizer state to keep, or the reason it was aborted. */
  public record Result(
      OptimizerState optimizer, double trainLoss, int steps, int samples, String abortReason) {
    public boolean aborted() {
      return abortReason != null;
    }
  }

  /**
   * Runs {@code settings.epochs()} epochs over {@code train} (at most {@code maxSteps} steps) from
   * the model's current weights and {@code saved} moments (null: fresh); on success the model holds
   * the tuned weights, on abort the weights it started with.
   *
   * @param anchors replayed samples for EWC and distillation; empty turns both off
   */
  public Result tune(
      List<TrainingSample> train,
      List<TrainingSample> anchors,
      OptimizerState saved,
      FineTuneSettings settings) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("fine-tuning needs at least one training sample");
    }
    Session session = start(anchors, saved, settings);
    Random shuffle = new Random(settings.seed());
    double lastEpochLoss = Double.NaN;
    int samples = 0;
    for (int epoch = 0; epoch < settings.epochs() && !capped(session, settings); epoch++) {
      List<TrainingSample> order = new ArrayList<>(train);
      Collections.shuffle(order, shuffle);
      double sum = 0;
      int batches = 0;
      for (int from = 0;
          from < order.size() && !capped(session, settings);
          from += settings.batchSize()) {
        List<TrainingSample> batch =
            order.subList(from, Math.min(order.size(), from + settings.batchSize()));
        sum += session.step(batch);
        if (session.abortReason() != null) {
          session.rollBack();
          return new Result(null, Double.NaN, session.steps(), samples, session.abortReason());
        }
        samples += batch.size();
        batches++;
      }
      // a step cap may end an epoch early: its loss is then over the batches it ran
      lastEpochLoss = sum / batches;
    }
    return new Result(session.optimizerState(), lastEpochLoss, session.steps(), samples, null);
  }

  private static boolean capped(Session session, FineTuneSettings settings) {
    return settings.maxSteps() > 0 && session.steps() >= settings.maxSteps();
  }

  /**
   * A run driven one batch at a time: what {@link #tune} does per step, for callers that choose the
   * batches (and for the test that stopping and resuming equals one run).
   */
  public Session start(List<TrainingSample> anchors, OptimizerState saved, FineTuneSettings s) {
    return new Session(anchors, saved, s);
  }

  /** One fine-tuning run in progress over the model's live parameters. */
  public final class Session {
    private final FineTuneSettings settings;
    private final Map<String, INDArray> params = model.parameters();
    private final Map<String, INDArray> start = new LinkedHashMap<>();
    private final Set<String> trainable;
    private final AdamUpdate adam;
    private final org.nd4j.linalg.api.rng.Random random;
    private final ElasticWeightConsolidation ewc;
    private final Distillation distillation;
    private int steps;
    private String abortReason;

    private Session(List<TrainingSample> anchors, OptimizerState saved, FineTuneSettings s) {
      this.settings = s;
      params.forEach((k, v) -> start.put(k, v.dup()));
      this.trainable = ModelBlocks.trainable(s.trainableBlocks(), params.keySet());
      this.adam = new AdamUpdate(params, s.learningRate(), s.resetOptimizer() ? null : saved);
      this.random = DropoutRandom.seeded(s.seed());
      this.ewc =
          s.ewcWeight() > 0 && !anchors.isEmpty()
              ? ElasticWeightConsolidation.estimate(
                  gradient, params, trainable, anchors, s.batchSize())
              : null;
      this.distillation =
          s.distillationWeight() > 0 && !anchors.isEmpty()
              ? new Distillation(model, anchors, s.seed())
              : null;
    }

    /**
     * One Adam step on {@code batch}; returns its loss (the data term) before the step, or NaN
     * after setting {@link #abortReason()} (no weight is changed then, or the changed weights are
     * reported non-finite; {@link #rollBack()} restores the start).
     */
    public double step(List<TrainingSample> batch) {
      if (abortReason != null) {
        throw new IllegalStateException("the run was aborted: " + abortReason);
      }
      BatchGradient.Result data = gradient.compute(batch, null, random);
      if (!Double.isFinite(data.loss())) {
        return abort("non-finite training loss " + data.loss() + " at step " + (steps + 1));
      }
      Map<String, INDArray> grads = data.gradients();
      if (distillation != null) {
        int count = Math.max(1, -Math.floorDiv(-batch.size(), distillation.quantileCount()));
        Distillation.Batch d = distillation.next(count);
        BatchGradient.Result teacher = gradient.compute(d.samples(), d.weights(), random);
        if (!Double.isFinite(teacher.loss())) {
          return abort(
              "non-finite distillation loss " + teacher.loss() + " at step " + (steps + 1));
        }
        for (String name : trainable) {
          grads.get(name).addi(teacher.gradients().get(name).muli(settings.distillationWeight()));
        }
      }
      if (ewc != null) {
        ewc.addGradient(grads, settings.ewcWeight());
      }
      double norm = AdamUpdate.globalNorm(grads, trainable);
      if (!Double.isFinite(norm)) {
        return abort("non-finite gradient norm " + norm + " at step " + (steps + 1));
      }
      adam.apply(grads, trainable, norm, settings.clipNorm());
      steps++;
      for (String name : trainable) {
        if (!Double.isFinite(params.get(name).sumNumber().doubleValue())) {
          return abort("non-finite weights in " + name + " after step " + steps);
        }
      }
      return data.loss();
    }

    private double abort(String reason) {
      abortReason = reason;
      return Double.NaN;
    }

    /** Puts every weight back to its value when the run started. */
    public void rollBack() {
      params.forEach((k, v) -> v.assign(start.get(k)));
    }

    public int steps() {
      return steps;
    }

    public String abortReason() {
      return abortReason;
    }

    /** The EWC penalty at the current weights (0 without EWC), for reports and tests. */
    public double ewcPenalty() {
      return ewc == null ? 0 : ewc.penalty(settings.ewcWeight());
    }

    public OptimizerState optimizerState() {
      return adam.state();
    }
  }
}
