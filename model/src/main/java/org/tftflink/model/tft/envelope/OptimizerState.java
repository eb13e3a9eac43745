package org.tftflink.model.tft.envelope;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam's state after some steps, kept with the weights so that an online update continues from the
 * saved moments instead of restarting the optimizer.
 *
 * @param iteration Adam steps taken so far (drives the bias correction of the next step)
 * @param learningRate the learning rate of the last step (an update may choose another)
 * @param moments per parameter (scoped name), Adam's state array as ND4J lays it out: the first
 *     moments of all elements, then the second moments (so twice the parameter's length)
 */
public record OptimizerState(long iteration, double learningRate, Map<String, double[]> moments) {

  public OptimizerState {
    if (iteration < 0) {
      throw new IllegalArgumentException("optimizer iteration must be >= 0, got " + iteration);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "optimizer learning rate must be positive and finite, got " + learningRate);
    }
    Map<String, double[]> copy = new LinkedHashMap<>();
    moments.forEach(
        (name, m) -> {
          if (m.length % 2 != 0) {
            throw new IllegalArgumentException(
                "Adam state of " + name + " has odd length " + m.length + " (m then v expected)");
          }
          copy.put(name, m.clone());
        });
    moments = Collections.unmodifiableMap(copy);
  }

  /** The moments by name; each array is a copy, so that this value stays immutable. */
  @Override
  public Map<String, double[]> moments() {
    Map<String, double[]> copy = new LinkedHashMap<>();
    moments.forEach((name, m) -> copy.put(name, m.clone()));
    return copy;
  }

  /** Adam state values of all parameters together. */
  public long size() {
    return moments.values().stream().mapToLong(m -> m.length).sum();
  }

  Map<String, double[]> sharedMoments() {
    return moments;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OptimizerState s)
        || iteration != s.iteration
        || Double.compare(learningRate, s.learningRate) != 0
        || !moments.keySet().equals(s.moments.keySet())) {
      return false;
    }
    for (Map.Entry<String, double[]> e : moments.entrySet()) {
      if (!Arrays.equals(e.getValue(), s.moments.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(iteration) * 31 + moments.keySet().hashCode();
  }

  @Override
  public String toString() {
    return "OptimizerState[iteration="
        + iteration
        + ", lr="
        + learningRate
        + ", values="
        + size()
        + "]";
  }
}
