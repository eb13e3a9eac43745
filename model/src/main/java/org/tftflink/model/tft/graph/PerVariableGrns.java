package org.tftflink.model.tft.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The per-variable GRNs of a variable selection network and the selection-weighted sum of their
 * outputs (TFT paper eqs. 6-8), with its own backward pass: per variable {@code v}, {@code y_v =
 * LayerNorm(x_v W_s + GLU(ELU(x_v W_1) W_2))} and {@code out = Σ_v w_v ∘ y_v}; one layer norm
 * (gain, bias) shared by the variables, as in {@link GatedResidualNetwork} with {@code variables >
 * 0}, whose parameter names, shapes, initial values and dropout site it keeps.
 *
 * <p>Why it is not SameDiff: these GRNs hold most of the model's activations ({@code [variables,
 * B*T, hidden]}); there SameDiff spent most of a training step in broadcast ops whose backward
 * reduces slowly (libnd4j's {@code multiply_bp}, 115-130 ms a call at batch 128 for the layer-norm
 * gain and the weighting) and in the layer norm written as ten ops. Here every matrix product is
 * one {@link Nd4j#gemm} per variable on views, every elementwise step one in-place ND4J op over all
 * variables, and the backward pass is written out. {@link VariableSelectionNetwork#build} remains
 * the reference its gradient check compares against.
 */
public final class PerVariableGrns {
  private static final double EPSILON = 1e-5;

  private final String scope;
  private final int variables;
  private final int in;
  private final int hidden;
  private final int out;
  private final String dropoutMask;
  private final Map<String, INDArray> parameters = new LinkedHashMap<>();
  private final INDArray skipW;
  private final INDArray skipB;
  private final INDArray fc1W;
  private final INDArray fc1B;
  private final INDArray fc2W;
  private final INDArray fc2B;
  private final INDArray valueW;
  private final INDArray valueB;
  private final INDArray gateW;
  private final INDArray gateB;
  private final INDArray gain;
  private final INDArray bias;

  /** The activations of one forward pass that the backward pass needs. */
  public static final class Pass {
    private final INDArray output;
    private final Cache cache;

    private Pass(INDArray output, Cache cache) {
      this.output = output;
      this.cache = cache;
    }

    /** The weighted sum {@code [N, out]}. */
    public INDArray output() {
      return output;
    }
  }

  private record Cache(
      INDArray x,
      INDArray weights,
      INDArray mask,
      INDArray elu,
      INDArray gluIn,
      INDArray value,
      INDArray gate,
      INDArray normed,
      INDArray inverseStd,
      INDArray y) {}

  /** Gradients of the inputs and of every parameter by name. */
  public record Gradients(INDArray input, INDArray weights, Map<String, INDArray> params) {}

  /**
   * Draws the parameters from {@code g} in {@link GatedResidualNetwork}'s order (skip, fc1, fc2,
   * GLU value and gate, norm) and registers the GLU's dropout mask as an external site.
   *
   * @param scope the GRN's scope, e.g. {@code encoder_vsn/var_grn}
   */
  public PerVariableGrns(
      GraphContext g,
      String scope,
      int variables,
      int in,
      int hidden,
      int out,
      long rowsPerWindow) {
    this.scope = scope;
    this.variables = variables;
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    if (in != out) {
      skipW = param("/skip/W", g.weightArray(variables, in, out));
      skipB = param("/skip/b", g.zerosArray(variables, 1, out));
    } else {
      skipW = null;
      skipB = null;
    }
    fc1W = param("/fc1/W", g.weightArray(variables, in, hidden));
    fc1B = param("/fc1/b", g.zerosArray(variables, 1, hidden));
    fc2W = param("/fc2/W", g.weightArray(variables, hidden, hidden));
    fc2B = param("/fc2/b", g.zerosArray(variables, 1, hidden));
    String glu = "/gate_norm/glu";
    dropoutMask =
        g.externalDropout(scope + glu, new long[] {variables, -1, hidden}, 1, rowsPerWindow);
    valueW = param(glu + "/value/W", g.weightArray(variables, hidden, out));
    valueB = param(glu + "/value/b", g.zerosArray(variables, 1, out));
    gateW = param(glu + "/gate/W", g.weightArray(variables, hidden, out));
    gateB = param(glu + "/gate/b", g.zerosArray(variables, 1, out));
    gain = param("/gate_norm/norm/gain", g.zerosArray(out).addi(1.0));
    bias = param("/gate_norm/norm/bias", g.zerosArray(out));
  }

  private INDArray param(String name, INDArray value) {
    parameters.put(scope + name, value);
    return value;
  }

  /** The live parameter arrays by scoped name; training updates them in place. */
  public Map<String, INDArray> parameters() {
    return parameters;
  }

  /** The feed name of the GLU's dropout mask {@code [variables, N, hidden]}, or null. */
  public String dropoutMask() {
    return dropoutMask;
  }

  /**
   * @param x per-variable embeddings {@code [variables, N, in]}
   * @param weights selection weights {@code [N, variables]}
   * @param mask the GLU's dropout mask {@code [variables, N, hidden]}, or null for none
   */
  public Pass forward(INDArray x, INDArray weights, INDArray mask, boolean keepForBackward) {
    x = contiguous(x);
    long n = x.size(1);
    INDArray e = dense(x, fc1W, fc1B, hidden);
    Transforms.elu(e, false);
    INDArray d = dense(e, fc2W, fc2B, hidden);
    if (mask != null) {
      d.muli(mask);
    }
    INDArray value = dense(d, valueW, valueB, out);
    INDArray gate = Transforms.sigmoid(dense(d, gateW, gateB, out), false);
    // r = value ∘ σ(gate) + skip, then the layer norm over the last dimension
    INDArray r = skipW == null ? x.dup() : dense(x, skipW, skipB, out);
    r.addi(value.mul(gate));
    INDArray rows = r.reshape((long) variables * n, out);
    rows.subiColumnVector(rows.mean(true, 1));
    INDArray inverseStd = Transforms.pow(rows.mul(rows).mean(true, 1).addi(EPSILON), -0.5, false);
    rows.muliColumnVector(inverseStd);
    INDArray y = rows.mulRowVector(gain.reshape(1, out)).addiRowVector(bias.reshape(1, out));
    INDArray y3 = y.reshape(variables, n, out);
    INDArray wT = weights.transpose().dup('c');
    INDArray selected = Nd4j.create(x.dataType(), n, out);
    for (int v = 0; v < variables; v++) {
      selected.addi(y3.slice(v).mulColumnVector(wT.getRow(v).reshape(n, 1)));
    }
    Cache cache =
        keepForBackward ? new Cache(x, wT, mask, e, d, value, gate, r, inverseStd, y3) : null;
    return new Pass(selected, cache);
  }

  private static INDArray contiguous(INDArray a) {
    return a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
  }

  /** x · W + b per variable: {@code [V, N, k]} to {@code [V, N, width]}. */
  private INDArray dense(INDArray x, INDArray w, INDArray b, int width) {
    long n = x.size(1);
    INDArray y = Nd4j.create(x.dataType(), variables, n, width);
    for (int v = 0; v < variables; v++) {
      INDArray yv = y.slice(v);
      Nd4j.gemm(x.slice(v), w.slice(v), yv, false, false, 1.0, 0.0);
      yv.addiRowVector(b.slice(v).reshape(1, width));
    }
    return y;
  }

  /** Back-propagates {@code dOutput} {@code [N, out]} to the inputs and parameters. */
  public Gradients backward(Pass pass, INDArray dOutput) {
    Cache c = pass.cache;
    if (c == null) {
      throw new IllegalArgumentException("the forward pass was run without keepForBackward");
    }
    INDArray dOut = contiguous(dOutput);
    long n = c.x().size(1);
    long rowsN = (long) variables * n;
    Map<String, INDArray> grads = new LinkedHashMap<>();
    // the weighted sum: dw_v = Σ_j dOut ∘ y_v, dy_v = w_v ∘ dOut
    INDArray dWT = Nd4j.create(dOut.dataType(), variables, n);
    INDArray dy = Nd4j.create(dOut.dataType(), variables, n, out);
    for (int v = 0; v < variables; v++) {
      dWT.getRow(v).assign(c.y().slice(v).mul(dOut).sum(1));
      dy.slice(v).assign(dOut.mulColumnVector(c.weights().getRow(v).reshape(n, 1)));
    }
    // the layer norm
    INDArray dyRows = dy.reshape(rowsN, out);
    INDArray normed = c.normed().reshape(rowsN, out);
    grads.put(scope + "/gate_norm/norm/gain", dyRows.mul(normed).sum(0));
    grads.put(scope + "/gate_norm/norm/bias", dyRows.sum(0));
    INDArray dNormed = dyRows.muliRowVector(gain.reshape(1, out));
    INDArray dr = dNormed.subColumnVector(dNormed.mean(true, 1));
    dr.subi(normed.mulColumnVector(dNormed.mul(normed).mean(true, 1)));
    dr.muliColumnVector(c.inverseStd());
    INDArray dr3 = dr.reshape(variables, n, out);
    // the GLU: value ∘ σ(gate)
    INDArray dValue = dr3.mul(c.gate());
    INDArray dGate = dr3.mul(c.value()).muli(c.gate()).muli(c.gate().rsub(1.0));
    INDArray dD = denseBack(grads, "/gate_norm/glu/value", c.gluIn(), dValue, valueW, null);
    denseBack(grads, "/gate_norm/glu/gate", c.gluIn(), dGate, gateW, dD);
    if (c.mask() != null) {
      dD.muli(c.mask());
    }
    // fc2, ELU (derivative min(elu + 1, 1)), fc1
    INDArray dE = denseBack(grads, "/fc2", c.elu(), dD, fc2W, null);
    dE.muli(Transforms.min(c.elu().add(1.0), 1.0, false));
    INDArray dX = denseBack(grads, "/fc1", c.x(), dE, fc1W, null);
    // the skip
    if (skipW == null) {
      dX.addi(dr3);
    } else {
      denseBack(grads, "/skip", c.x(), dr3, skipW, dX);
    }
    Map<String, INDArray> named = new LinkedHashMap<>();
    for (String name : parameters.keySet()) {
      named.put(name, grads.get(name));
    }
    return new Gradients(dX, dWT.transpose().dup('c'), named);
  }

  /**
   * Gradients of y = x · W + b per variable from dy: stores dW and db under {@code name}, and
   * returns dx = dy · Wᵀ, added into {@code dxInto} when given.
   */
  private INDArray denseBack(
      Map<String, INDArray> grads,
      String name,
      INDArray x,
      INDArray dy,
      INDArray w,
      INDArray dxInto) {
    long n = x.size(1);
    long k = x.size(2);
    long width = dy.size(2);
    INDArray dW = Nd4j.create(dy.dataType(), variables, k, width);
    INDArray dx = dxInto != null ? dxInto : Nd4j.create(dy.dataType(), variables, n, k);
    double beta = dxInto != null ? 1.0 : 0.0;
    for (int v = 0; v < variables; v++) {
      INDArray dyv = dy.slice(v);
      Nd4j.gemm(x.slice(v), dyv, dW.slice(v), true, false, 1.0, 0.0);
      Nd4j.gemm(dyv, w.slice(v), dx.slice(v), false, true, 1.0, beta);
    }
    grads.put(scope + name + "/W", dW);
    grads.put(scope + name + "/b", dy.sum(1).reshape(variables, 1, width));
    return dx;
  }
}
