package org.tftflink.model.tft.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.graph.Broadcasts;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * The loss and gradient of a batch of any size, accumulated over forward-backward passes of one
 * fixed size: each pass is weighted by its share of observed points, which gives the gradient of
 * the whole batch's loss, and a short pass is padded with copies whose actuals are missing (weight
 * 0), which changes neither loss nor gradient. The fixed size is needed because SameDiff
 * 1.0.0-M2.1's strided_slice_bp keeps the shape of its first run (a smaller last batch failed with
 * "lengths of arrays are mismatched"), so every backward pass on one model uses it.
 */
final class BatchGradient {
  /** Loss of the batch and gradient of every parameter by name (fresh arrays, the caller's). */
  record Result(double loss, Map<String, INDArray> gradients) {}

  private final TftModel model;
  private final int passSize;

  BatchGradient(TftModel model, int passSize) {
    this.model = model;
    this.passSize = passSize;
  }

  int passSize() {
    return passSize;
  }

  /**
   * @param pointWeights per sample a factor on its points' weights in the loss, or null for 1
   * @param random dropout masks from this generator; null runs without dropout
   */
  Result compute(
      List<TrainingSample> batch, double[] pointWeights, org.nd4j.linalg.api.rng.Random random) {
    List<EncodedBatch> passes = new ArrayList<>();
    double[] noActuals = new double[model.config().horizon()];
    Arrays.fill(noActuals, Double.NaN);
    double observed = 0;
    for (int from = 0; from < batch.size(); from += passSize) {
      int to = Math.min(batch.size(), from + passSize);
      List<TrainingSample> pass = new ArrayList<>(batch.subList(from, to));
      while (pass.size() < passSize) {
        pass.add(new TrainingSample(batch.get(0).window(), noActuals));
      }
      EncodedBatch encoded = encode(pass);
      if (pointWeights != null) {
        encoded = reweighted(encoded, Arrays.copyOfRange(pointWeights, from, from + passSize));
      }
      passes.add(encoded);
      observed += weight(encoded);
    }
    Map<String, INDArray> grads = new LinkedHashMap<>();
    double loss = 0;
    for (EncodedBatch encoded : passes) {
      double share = observed == 0 ? 0 : weight(encoded) / observed;
      TftGraph.Backward backward =
          model.graph().backward(model.withMasks(encoded, random), TftGraph.LOSS);
      loss += share * backward.loss();
      backward
          .gradients()
          .forEach(
              (name, g) -> {
                INDArray scaled = g.muli(share);
                grads.merge(name, scaled, INDArray::addi);
              });
    }
    return new Result(loss, grads);
  }

  EncodedBatch encode(List<TrainingSample> batch) {
    return model
        .encoder()
        .encode(
            batch.stream().map(TrainingSample::window).toList(),
            batch.stream().map(TrainingSample::futureTarget).toList());
  }

  static double weight(EncodedBatch encoded) {
    return encoded.feeds().get(TftGraph.TARGET_WEIGHT).sumNumber().doubleValue();
  }

  /** The batch with each window's point weights multiplied by its factor (padding rows get 0). */
  private static EncodedBatch reweighted(EncodedBatch encoded, double[] factors) {
    Map<String, INDArray> feeds = new HashMap<>(encoded.feeds());
    INDArray w = feeds.get(TftGraph.TARGET_WEIGHT);
    INDArray column = Nd4j.create(factors, new long[] {factors.length, 1}).castTo(w.dataType());
    feeds.put(TftGraph.TARGET_WEIGHT, Broadcasts.mulColumn(w, column));
    return new EncodedBatch(feeds, encoded.location(), encoded.scale(), encoded.size());
  }
}
