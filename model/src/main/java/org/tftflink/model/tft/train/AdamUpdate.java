package org.tftflink.model.tft.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.tftflink.model.tft.envelope.OptimizerState;

/**
 * Adam over a model's live parameters with global-norm clipping, whose state can start from saved
 * moments and be exported again; a frozen parameter gets neither an update nor a change of its Adam
 * state.
 */
final class AdamUpdate {
  private final Map<String, INDArray> params;
  private final Map<String, INDArray> states = new LinkedHashMap<>();
  private final Map<String, GradientUpdater<?>> updaters = new LinkedHashMap<>();
  private final Adam adam;
  private long iteration;

  /**
   * @param saved moments to continue from, or null for fresh (zero) moments at iteration 0
   */
  AdamUpdate(Map<String, INDArray> params, double learningRate, OptimizerState saved) {
    this.params = params;
    this.adam = new Adam(learningRate);
    Map<String, double[]> moments = saved == null ? Map.of() : saved.moments();
    if (saved != null && !moments.keySet().equals(params.keySet())) {
      throw new IllegalArgumentException(
          "saved optimizer state has "
              + moments.size()
              + " parameters, the model "
              + params.size()
              + ": it belongs to another graph; reset the optimizer instead");
    }
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray p = e.getValue();
      long size = adam.stateSize(p.length());
      INDArray state;
      if (saved == null) {
        state = Nd4j.zeros(p.dataType(), 1, size);
      } else {
        double[] m = moments.get(e.getKey());
        if (m.length != size) {
          throw new IllegalArgumentException(
              "saved Adam state of "
                  + e.getKey()
                  + " has "
                  + m.length
                  + " values, expected "
                  + size);
        }
        state = Nd4j.create(m, new long[] {1, size}, DataType.DOUBLE).castTo(p.dataType());
      }
      states.put(e.getKey(), state);
      updaters.put(e.getKey(), adam.instantiate(state, saved == null));
    }
    this.iteration = saved == null ? 0 : saved.iteration();
  }

  double learningRate() {
    return adam.getLearningRate();
  }

  void setLearningRate(double learningRate) {
    adam.setLearningRate(learningRate);
  }

  long iteration() {
    return iteration;
  }

  /** L2 norm over the gradients of the given parameters together. */
  static double globalNorm(Map<String, INDArray> grads, Set<String> names) {
    double sumSq = 0;
    for (String name : names) {
      double n = grads.get(name).norm2Number().doubleValue();
      sumSq += n * n;
    }
    return Math.sqrt(sumSq);
  }

  /**
   * Scales the gradients of {@code trainable} to at most {@code clipNorm} in global norm (0 = no
   * clipping), then takes one Adam step on those parameters only; {@code norm} is their global
   * norm.
   */
  void apply(Map<String, INDArray> grads, Set<String> trainable, double norm, double clipNorm) {
    double factor = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1.0;
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      if (!trainable.contains(e.getKey())) {
        continue;
      }
      INDArray g = grads.get(e.getKey());
      if (factor != 1.0) {
        g.muli(factor);
      }
      updaters.get(e.getKey()).applyUpdater(g, (int) iteration, 0);
      e.getValue().subi(g);
    }
    iteration++;
  }

  /** A copy of the current state. */
  OptimizerState state() {
    Map<String, double[]> moments = new LinkedHashMap<>();
    states.forEach((k, v) -> moments.put(k, v.castTo(DataType.DOUBLE).dup().data().asDouble()));
    return new OptimizerState(iteration, adam.getLearningRate(), moments);
  }
}
