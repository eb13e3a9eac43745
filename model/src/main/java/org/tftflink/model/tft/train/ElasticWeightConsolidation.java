package org.tftflink.model.tft.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.TrainingSample;

/**
 * The elastic-weight-consolidation penalty λ/2·Σ F·(θ−θ*)² around the parent's weights θ*, with a
 * diagonal Fisher F estimated from squared gradients on anchor samples, applied as its gradient
 * λ·F·(θ−θ*) in Java (no change to the graph's loss).
 *
 * <p>F is the mean, over anchor batches, of the squared gradient of each batch's mean pinball loss
 * (dropout off): per-sample gradients would estimate the Fisher better, but every backward pass
 * costs a whole padded pass, so one per sample would cost the anchors' count in passes. F is then
 * divided by its mean over the trainable parameters, so that λ does not depend on the loss's scale:
 * at λ = 1 a parameter of average importance is pulled back with a gradient equal to its distance
 * from θ*.
 */
final class ElasticWeightConsolidation {
  private final Map<String, INDArray> params;
  private final Map<String, INDArray> anchor = new LinkedHashMap<>();
  private final Map<String, INDArray> fisher;

  private ElasticWeightConsolidation(Map<String, INDArray> params, Map<String, INDArray> fisher) {
    this.params = params;
    this.fisher = fisher;
    fisher.keySet().forEach(name -> anchor.put(name, params.get(name).dup()));
  }

  /**
   * Estimates F at the current weights (which become θ*) from anchor batches of {@code batchSize};
   * null when the anchors carry no gradient at all (every actual missing).
   */
  static ElasticWeightConsolidation estimate(
      BatchGradient gradient,
      Map<String, INDArray> params,
      Set<String> trainable,
      List<TrainingSample> anchors,
      int batchSize) {
    Map<String, INDArray> sum = new LinkedHashMap<>();
    int batches = 0;
    for (int from = 0; from < anchors.size(); from += batchSize) {
      List<TrainingSample> batch =
          anchors.subList(from, Math.min(anchors.size(), from + batchSize));
      Map<String, INDArray> g = gradient.compute(batch, null, null).gradients();
      for (String name : trainable) {
        INDArray sq = g.get(name).mul(g.get(name));
        sum.merge(name, sq, INDArray::addi);
      }
      batches++;
    }
    double total = 0;
    long count = 0;
    for (INDArray f : sum.values()) {
      f.divi(batches);
      total += f.sumNumber().doubleValue();
      count += f.length();
    }
    double mean = count == 0 ? 0 : total / count;
    if (!(mean > 0) || !Double.isFinite(mean)) {
      return null;
    }
    sum.values().forEach(f -> f.divi(mean));
    return new ElasticWeightConsolidation(params, sum);
  }

  /** Adds λ·F·(θ−θ*) to the gradients of the consolidated parameters. */
  void addGradient(Map<String, INDArray> grads, double lambda) {
    fisher.forEach(
        (name, f) ->
            grads.get(name).addi(params.get(name).sub(anchor.get(name)).muli(f).muli(lambda)));
  }

  /** The penalty λ/2·Σ F·(θ−θ*)² at the current weights. */
  double penalty(double lambda) {
    double s = 0;
    for (Map.Entry<String, INDArray> e : fisher.entrySet()) {
      INDArray d = params.get(e.getKey()).sub(anchor.get(e.getKey()));
      s += d.muli(d).muli(e.getValue()).sumNumber().doubleValue();
    }
    return lambda / 2 * s;
  }
}
