package org.tftflink.model.tft.graph;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tftflink.model.tft.graph.infer.ForwardWorkspace;

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
 * one ND4J GEMM (batched, or per variable on views), the activations ELU and sigmoid are one ND4J
 * op each, and the chains between them (GLU product, residual, layer norm, weighting, and their
 * backward) are {@link SelectionKernels}' fused loops over row tiles; the backward pass is written
 * out. {@link VariableSelectionNetwork#build} remains the reference its gradient check compares
 * against.
 */
public final class PerVariableGrns {
  private static final double EPSILON = 1e-5;
  // rows per variable up to which a dense layer is one batched product (measured crossover: about
  // 5,000 rows, 10 variables, 16 to 32)
  private static final long BATCHED_ROWS = 4096;
  // rows per variable up to which a forward pass without dropout or backward is Java loops
  // (javaForward): one window's static variables and horizon
  private static final long JAVA_ROWS = 32;

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
  private final ThreadLocal<Map<String, INDArray>> scratch = ThreadLocal.withInitial(HashMap::new);

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
      INDArray gated,
      INDArray gate,
      INDArray normed,
      INDArray inverseStd) {}

  /** Gradients of the inputs and of every parameter by name. */
  public record Gradients(INDArray input, INDArray weights, Map<String, INDArray> params) {}

  /** Where the parameter arrays come from: drawn fresh, or a graph's own variables. */
  private interface Source {
    /** The array of {@code name}; {@code init} is 'w' (Glorot), '0' or '1' for a fresh one. */
    INDArray get(String name, char init, long... shape);
  }

  /**
   * A standalone block: draws the parameters from {@code g} in {@link GatedResidualNetwork}'s order
   * (skip, fc1, fc2, GLU value and gate, norm) and registers the GLU's dropout mask as an external
   * site.
   *
   * @param scope the GRN's scope, e.g. {@code encoder_vsn/var_grn}
   */
  public static PerVariableGrns create(
      GraphContext g,
      String scope,
      int variables,
      int in,
      int hidden,
      int out,
      long rowsPerWindow) {
    String mask =
        g.externalDropout(
            scope + "/gate_norm/glu", new long[] {variables, -1, hidden}, 1, rowsPerWindow);
    return new PerVariableGrns(
        scope,
        variables,
        in,
        hidden,
        out,
        mask,
        (name, init, shape) ->
            init == 'w'
                ? g.weightArray(shape)
                : init == '1' ? g.zerosArray(shape).addi(1.0) : g.zerosArray(shape));
  }

  /**
   * The block over the parameter arrays of a per-variable {@link GatedResidualNetwork} already in
   * {@code g}'s graph under {@code scope} (the same arrays, so that an update of either is seen by
   * both) and its dropout mask.
   */
  public static PerVariableGrns sharing(
      GraphContext g, String scope, int variables, int in, int hidden, int out) {
    String mask = g.dropoutRate() > 0 ? scope + "/gate_norm/glu/dropout_mask" : null;
    return new PerVariableGrns(
        scope,
        variables,
        in,
        hidden,
        out,
        mask,
        (name, init, shape) -> g.sd().getVariable(scope + name).getArr());
  }

  private PerVariableGrns(
      String scope, int variables, int in, int hidden, int out, String dropoutMask, Source p) {
    this.scope = scope;
    this.variables = variables;
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    this.dropoutMask = dropoutMask;
    if (in != out) {
      skipW = param("/skip/W", p.get("/skip/W", 'w', variables, in, out));
      skipB = param("/skip/b", p.get("/skip/b", '0', variables, 1, out));
    } else {
      skipW = null;
      skipB = null;
    }
    fc1W = param("/fc1/W", p.get("/fc1/W", 'w', variables, in, hidden));
    fc1B = param("/fc1/b", p.get("/fc1/b", '0', variables, 1, hidden));
    fc2W = param("/fc2/W", p.get("/fc2/W", 'w', variables, hidden, hidden));
    fc2B = param("/fc2/b", p.get("/fc2/b", '0', variables, 1, hidden));
    String glu = "/gate_norm/glu";
    valueW = param(glu + "/value/W", p.get(glu + "/value/W", 'w', variables, hidden, out));
    valueB = param(glu + "/value/b", p.get(glu + "/value/b", '0', variables, 1, out));
    gateW = param(glu + "/gate/W", p.get(glu + "/gate/W", 'w', variables, hidden, out));
    gateB = param(glu + "/gate/b", p.get(glu + "/gate/b", '0', variables, 1, out));
    gain = param("/gate_norm/norm/gain", p.get("/gate_norm/norm/gain", '1', out));
    bias = param("/gate_norm/norm/bias", p.get("/gate_norm/norm/bias", '0', out));
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
   * Runs the GRNs and the weighted sum. The activations kept for the backward pass live in this
   * thread's scratch arrays of this instance: a pass is valid until the next forward pass on the
   * same thread (the model runs each forward-backward pair in one call).
   *
   * @param x per-variable embeddings {@code [variables, N, in]}
   * @param weights selection weights {@code [N, variables]}
   * @param mask the GLU's dropout mask {@code [variables, N, hidden]}, or null for none
   */
  public Pass forward(INDArray x, INDArray weights, INDArray mask, boolean keepForBackward) {
    if (!keepForBackward && mask == null && x.size(1) <= JAVA_ROWS) {
      return new Pass(javaForward(x, weights), null);
    }
    x = contiguous(x);
    long n = x.size(1);
    Map<String, INDArray> s = scratch.get();
    INDArray e = dense(x, fc1W, fc1B, buffer(s, "elu", x, n, hidden));
    Transforms.elu(e, false);
    INDArray d = dense(e, fc2W, fc2B, buffer(s, "glu_in", x, n, hidden));
    if (mask != null) {
      d.muli(mask);
    }
    INDArray gate = dense(d, gateW, gateB, buffer(s, "gate", x, n, out));
    Transforms.sigmoid(gate, false);
    INDArray gated = dense(d, valueW, valueB, buffer(s, "gated", x, n, out));
    INDArray normed = buffer(s, "normed", x, n, out);
    INDArray skip = skipW == null ? RowTiles.wholeOrCopy(x) : dense(x, skipW, skipB, normed);
    INDArray inverseStd = buffer(s, "inverse_std", x, n, 1);
    INDArray w = RowTiles.wholeOrCopy(weights);
    INDArray selected = Nd4j.createUninitialized(x.dataType(), n, out);
    // the GLU product (kept in place of the value: the backward pass needs only it), the residual
    // add, the layer norm and the weighted sum in one pass over tiles
    SelectionKernels.forward(
        variables,
        n,
        out,
        RowTiles.of(gate),
        RowTiles.of(gated),
        RowTiles.of(skip),
        keepForBackward ? RowTiles.of(normed) : null,
        keepForBackward ? RowTiles.of(inverseStd) : null,
        JavaArrays.scratchValues(gain),
        JavaArrays.scratchValues(bias),
        EPSILON,
        RowTiles.of(w),
        RowTiles.of(selected));
    Cache cache =
        keepForBackward ? new Cache(x, w, mask, e, d, gated, gate, normed, inverseStd) : null;
    return new Pass(selected, cache);
  }

  /**
   * {@link #forward} without dropout or backward pass as Java loops in double precision over
   * copies: for a few rows (a window's static variables, its horizon) the block's 30 ND4J ops cost
   * several times its arithmetic.
   */
  private INDArray javaForward(INDArray x, INDArray weights) {
    int n = (int) x.size(1);
    double[] xs = JavaArrays.scratchValues(x);
    double[] ws = JavaArrays.scratchValues(weights);
    double[] g = JavaArrays.scratchValues(gain);
    double[] b = JavaArrays.scratchValues(bias);
    Dense fc1 = new Dense(fc1W, fc1B, in, hidden);
    Dense fc2 = new Dense(fc2W, fc2B, hidden, hidden);
    Dense value = new Dense(valueW, valueB, hidden, out);
    Dense gate = new Dense(gateW, gateB, hidden, out);
    Dense skip = skipW == null ? null : new Dense(skipW, skipB, in, out);
    double[] selected = JavaScratch.zeros(n * out);
    for (int v = 0; v < variables; v++) {
      int xo = v * n * in;
      double[] e = fc1.apply(v, xs, xo, n);
      JavaRows.elu(e);
      double[] d = fc2.apply(v, e, 0, n);
      double[] r = value.apply(v, d, 0, n);
      if (skip == null) {
        JavaRows.gateAdd(r, gate.apply(v, d, 0, n), xs, xo);
      } else {
        JavaRows.gateAdd(r, gate.apply(v, d, 0, n), skip.apply(v, xs, xo, n), 0);
      }
      JavaRows.layerNorm(r, n, out, g, b);
      for (int row = 0; row < n; row++) {
        double weight = ws[row * variables + v];
        for (int j = 0; j < out; j++) {
          selected[row * out + j] += weight * r[row * out + j];
        }
      }
    }
    return JavaArrays.array(selected, x.dataType(), n, out);
  }

  /** One per-variable dense layer's weights {@code [V, k, width]} and biases, copied to Java. */
  private static final class Dense {
    private final double[] w;
    private final double[] b;
    private final int k;
    private final int width;

    Dense(INDArray w, INDArray b, int k, int width) {
      this.w = JavaArrays.scratchValues(w);
      this.b = JavaArrays.scratchValues(b);
      this.k = k;
      this.width = width;
    }

    /** {@code rows [n, k]} (from {@code offset} of {@code x}) {@code · W_v + b_v}. */
    double[] apply(int v, double[] x, int offset, int n) {
      return JavaRows.dense(x, offset, n, k, w, v * k * width, b, v * width, width);
    }
  }

  private static INDArray contiguous(INDArray a) {
    return a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
  }

  /**
   * This thread's scratch array {@code [variables, n, width]} for {@code role}, allocated once per
   * shape: allocating (and first touching) arrays of tens of megabytes cost more than the GEMMs.
   */
  private INDArray buffer(Map<String, INDArray> s, String role, INDArray like, long n, int width) {
    INDArray a = s.get(role);
    if (a == null
        || a.dataType() != like.dataType()
        || a.size(1) != n
        || a.size(2) != width
        || a.size(0) != variables) {
      // kept across passes: outside of a forward pass's workspace (ForwardWorkspace)
      a =
          ForwardWorkspace.outside(
              () -> Nd4j.createUninitialized(like.dataType(), variables, n, width));
      s.put(role, a);
    }
    return a;
  }

  /** y = x · W + b per variable, {@code [V, N, k]} to {@code [V, N, width]}, into {@code y}. */
  private INDArray dense(INDArray x, INDArray w, INDArray b, INDArray y) {
    if (Gemm.perSlice(x, w, b, y)) {
      return y;
    }
    long width = y.size(2);
    if (x.size(1) <= BATCHED_ROWS) {
      // the bias as one broadcast add over all variables: at few rows an op per variable costs
      // more than the arithmetic; at many rows a row add per variable is faster
      for (int v = 0; v < variables; v++) {
        Gemm.gemm(x.slice(v), w.slice(v), y.slice(v), false, false, 1.0, 0.0);
      }
      Broadcasts.exec(new BroadcastAddOp(y, b.reshape(variables, width), y, 0, 2));
      return y;
    }
    for (int v = 0; v < variables; v++) {
      INDArray yv = y.slice(v);
      Gemm.gemm(x.slice(v), w.slice(v), yv, false, false, 1.0, 0.0);
      Broadcasts.addiRow(yv, b.slice(v).reshape(1, width));
    }
    return y;
  }

  /** Back-propagates {@code dOutput} {@code [N, out]} to the inputs and parameters. */
  public Gradients backward(Pass pass, INDArray dOutput) {
    Cache c = pass.cache;
    if (c == null) {
      throw new IllegalArgumentException("the forward pass was run without keepForBackward");
    }
    INDArray x = c.x();
    long n = x.size(1);
    Map<String, INDArray> s = scratch.get();
    Map<String, INDArray> grads = new LinkedHashMap<>();
    // the weighted sum, the layer norm and the GLU (value ∘ σ(gate), kept as the product) in one
    // pass over tiles
    INDArray dr3 = buffer(s, "d_r", x, n, out);
    INDArray dGate = buffer(s, "d_gate", x, n, out);
    INDArray dValue = buffer(s, "d_value", x, n, out);
    INDArray dWeights = Nd4j.createUninitialized(x.dataType(), n, variables);
    double[] dGain = new double[out];
    double[] dBias = new double[out];
    double[] drSums = new double[variables * out];
    double[] dGateSums = new double[variables * out];
    double[] dValueSums = new double[variables * out];
    SelectionKernels.backward(
        variables,
        n,
        out,
        RowTiles.of(RowTiles.wholeOrCopy(dOutput)),
        RowTiles.of(c.weights()),
        RowTiles.of(c.normed()),
        RowTiles.of(c.inverseStd()),
        RowTiles.of(c.gate()),
        RowTiles.of(c.gated()),
        JavaArrays.values(gain),
        JavaArrays.values(bias),
        RowTiles.of(dWeights),
        dGain,
        dBias,
        RowTiles.of(dr3),
        RowTiles.of(dGate),
        RowTiles.of(dValue),
        drSums,
        dGateSums,
        dValueSums);
    grads.put(scope + "/gate_norm/norm/gain", JavaArrays.array(dGain, x.dataType(), out));
    grads.put(scope + "/gate_norm/norm/bias", JavaArrays.array(dBias, x.dataType(), out));
    INDArray dD =
        denseBack(grads, "/gate_norm/glu/gate", c.gluIn(), dGate, dGateSums, gateW, null, s);
    denseBack(grads, "/gate_norm/glu/value", c.gluIn(), dValue, dValueSums, valueW, dD, s);
    if (c.mask() != null) {
      dD.muli(c.mask());
    }
    // fc2, ELU (derivative min(elu + 1, 1)), fc1
    INDArray dE = denseBack(grads, "/fc2", c.elu(), dD, null, fc2W, null, s);
    SelectionKernels.eluBackward(RowTiles.of(dE), RowTiles.of(c.elu()), dE.length());
    INDArray dX = denseBack(grads, "/fc1", x, dE, null, fc1W, null, null);
    // the skip
    if (skipW == null) {
      dX.addi(dr3);
    } else {
      denseBack(grads, "/skip", x, dr3, drSums, skipW, dX, s);
    }
    Map<String, INDArray> named = new LinkedHashMap<>();
    for (String name : parameters.keySet()) {
      named.put(name, grads.get(name));
    }
    return new Gradients(dX, dWeights, named);
  }

  private static INDArray ones(Map<String, INDArray> s, INDArray rows) {
    String key = "ones_" + rows.size(0);
    INDArray o = s.get(key);
    if (o == null || o.dataType() != rows.dataType()) {
      // kept across passes: outside of a pass's workspace
      o = ForwardWorkspace.outside(() -> Nd4j.ones(rows.dataType(), 1, rows.size(0)));
      s.put(key, o);
    }
    return o;
  }

  /**
   * Gradients of y = x · W + b per variable from dy and its column sums {@code dySums [variables *
   * width]} (the bias's gradient, summed by the fused loop that made dy; null: summed here by a
   * GEMM with a ones row, as fast as a separate Java pass would be): stores dW and db under {@code
   * name}, and returns dx = dy · Wᵀ, added into {@code dxInto} when given, else in a scratch array
   * (or a new one when {@code s} is null).
   */
  private INDArray denseBack(
      Map<String, INDArray> grads,
      String name,
      INDArray x,
      INDArray dy,
      double[] dySums,
      INDArray w,
      INDArray dxInto,
      Map<String, INDArray> s) {
    long n = x.size(1);
    int k = (int) x.size(2);
    long width = dy.size(2);
    INDArray dW = Nd4j.create(dy.dataType(), variables, k, width);
    INDArray db =
        dySums != null
            ? JavaArrays.array(dySums, dy.dataType(), variables, 1, width)
            : Nd4j.create(dy.dataType(), variables, 1, width);
    INDArray dx =
        dxInto != null
            ? dxInto
            : s == null
                ? Nd4j.create(dy.dataType(), variables, n, k)
                : buffer(s, "d_" + name, x, n, k);
    double beta = dxInto != null ? 1.0 : 0.0;
    Map<String, INDArray> own = s != null ? s : scratch.get();
    for (int v = 0; v < variables; v++) {
      INDArray dyv = dy.slice(v);
      Gemm.gemm(x.slice(v), dyv, dW.slice(v), true, false, 1.0, 0.0);
      if (dySums == null) {
        Gemm.gemm(ones(own, dyv), dyv, db.slice(v), false, false, 1.0, 0.0);
      }
      Gemm.gemm(dyv, w.slice(v), dx.slice(v), false, true, 1.0, beta);
    }
    grads.put(scope + name + "/W", dW);
    grads.put(scope + name + "/b", db);
    return dx;
  }
}
