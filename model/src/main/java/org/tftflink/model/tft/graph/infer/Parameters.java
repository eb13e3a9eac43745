package org.tftflink.model.tft.graph.infer;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model's live parameter arrays and the call's dropout masks, looked up by their SameDiff names
 * at call time, so that the Java forward pass always sees the weights of the latest training step.
 */
public final class Parameters {
  /** A live parameter array by its scoped SameDiff name. */
  public interface Lookup {
    INDArray get(String name);
  }

  private final Lookup lookup;
  private final Map<String, INDArray> feeds;

  public Parameters(Lookup lookup, Map<String, INDArray> feeds) {
    this.lookup = lookup;
    this.feeds = feeds;
  }

  /** The parameter {@code name}; a missing one is a mismatch between graph and Java code. */
  public INDArray get(String name) {
    INDArray a = lookup.get(name);
    if (a == null) {
      throw new IllegalStateException("the graph has no parameter '" + name + "'");
    }
    return a;
  }

  /**
   * The dropout mask fed for the GLU under {@code gluScope}, or null (none configured, or ones).
   */
  public INDArray mask(String gluScope) {
    return feeds.get(gluScope + "/dropout_mask");
  }

  /** The fed input {@code name}, or null. */
  public INDArray feed(String name) {
    return feeds.get(name);
  }
}
