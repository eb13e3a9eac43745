package org.tftflink.model.tft.graph.infer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameter gradients of one backward pass by scoped SameDiff name, summed where a parameter is
 * used more than once.
 */
public final class Gradients {
  private final Map<String, INDArray> byName = new LinkedHashMap<>();

  /** Adds {@code gradient} to the gradient of {@code name} (which it may become, not copied). */
  void add(String name, INDArray gradient) {
    byName.merge(name, gradient, INDArray::addi);
  }

  /** The gradients by name; a parameter the pass did not use is absent. */
  public Map<String, INDArray> byName() {
    return byName;
  }
}
