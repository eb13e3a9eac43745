package org.tftflink.model.tft.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graph under construction: the SameDiff instance, its data type, a seeded initialiser and the
 * dropout sites.
 *
 * <p>Dropout is a multiplication by a mask placeholder because SameDiff's dropout op has no
 * gradient and stays active at inference (DL4J-NOTES): the trainer feeds Bernoulli masks, inference
 * feeds ones.
 */
public final class GraphContext {

  /**
   * One dropout mask: its placeholder name and its shape, where {@code -1} marks the batch
   * dimension.
   */
  public record DropoutSite(String name, long[] shapePerBatch, int batchDim, long batchMultiplier) {
    /** Concrete shape for a batch of {@code batch} windows. */
    public long[] shape(int batch) {
      long[] s = shapePerBatch.clone();
      s[batchDim] = batch * batchMultiplier;
      return s;
    }
  }

  private final SameDiff sd;
  private final DataType dataType;
  private final Random init;
  private final double dropout;
  private final List<DropoutSite> dropoutSites = new ArrayList<>();

  public GraphContext(SameDiff sd, DataType dataType, long seed, double dropout) {
    this(sd, dataType, new Random(seed), dropout);
  }

  /**
   * A context drawing initial values from a shared generator, so that a model built as several
   * graphs is initialised as one sequence from its seed.
   */
  public GraphContext(SameDiff sd, DataType dataType, Random init, double dropout) {
    this.sd = sd;
    this.dataType = dataType;
    this.init = init;
    this.dropout = dropout;
  }

  /**
   * The same graph and generator with dropout off, for a block whose input dropout is applied
   * outside the graph (see {@link #externalDropout}).
   */
  public GraphContext withoutDropout() {
    return new GraphContext(sd, dataType, init, 0);
  }

  /**
   * Registers a dropout mask that the caller applies outside the graph, for an input that is a
   * placeholder: SameDiff does not differentiate an op whose inputs are all placeholders, so
   * placeholder × mask-placeholder would cut the gradient. Returns the mask's feed name, or null
   * without dropout.
   */
  public String externalDropout(
      String name, long[] shapePerBatch, int batchDim, long batchMultiplier) {
    if (dropout <= 0) {
      return null;
    }
    String maskName = name + "/dropout_mask";
    dropoutSites.add(new DropoutSite(maskName, shapePerBatch.clone(), batchDim, batchMultiplier));
    return maskName;
  }

  /** The same generator and settings over another graph. */
  public GraphContext over(SameDiff other) {
    return new GraphContext(other, dataType, init, dropout);
  }

  public SameDiff sd() {
    return sd;
  }

  public DataType dataType() {
    return dataType;
  }

  public List<DropoutSite> dropoutSites() {
    return Collections.unmodifiableList(dropoutSites);
  }

  /** A Glorot-uniform weight; fan-in and fan-out are the last two dimensions of the shape. */
  public SDVariable weight(String name, long... shape) {
    return sd.var(name, weightArray(shape));
  }

  /** A Glorot-uniform weight array for parameters kept outside the graph. */
  public INDArray weightArray(long... shape) {
    long fanIn = shape[shape.length - 2];
    long fanOut = shape[shape.length - 1];
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    return fill(shape, () -> (init.nextDouble() * 2 - 1) * limit);
  }

  public SDVariable zeros(String name, long... shape) {
    return sd.var(name, zerosArray(shape));
  }

  public INDArray zerosArray(long... shape) {
    return fill(shape, () -> 0.0);
  }

  public SDVariable ones(String name, long... shape) {
    return sd.var(name, fill(shape, () -> 1.0));
  }

  private INDArray fill(long[] shape, java.util.function.DoubleSupplier values) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    double[] data = new double[(int) n];
    for (int i = 0; i < data.length; i++) {
      data[i] = values.getAsDouble();
    }
    return Nd4j.create(data, shape, DataType.DOUBLE).castTo(dataType);
  }

  /**
   * Applies inverted dropout through a mask placeholder of the given shape (batch dimension {@code
   * batchDim} holds {@code batchMultiplier} rows per window). Without dropout configured, returns x
   * unchanged.
   */
  public SDVariable dropout(
      String name, SDVariable x, long[] shapePerBatch, int batchDim, long batchMultiplier) {
    if (dropout <= 0) {
      return x;
    }
    String maskName = name + "/dropout_mask";
    long[] phShape = shapePerBatch.clone();
    phShape[batchDim] = -1;
    SDVariable mask = sd.placeHolder(maskName, dataType, phShape);
    dropoutSites.add(new DropoutSite(maskName, shapePerBatch.clone(), batchDim, batchMultiplier));
    return x.mul(mask);
  }

  public double dropoutRate() {
    return dropout;
  }
}
