package org.tftflink.model.tft.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The TFT's sequence-to-sequence layer: an LSTM encoder over the history, started from the static
 * contexts {@code (c_h, c_c)}, and a separate LSTM decoder over the horizon, started from the
 * encoder's final states; with several layers, each layer's encoder starts again from the static
 * contexts (as in PyTorch Forecasting).
 *
 * <p>Why it is not a SameDiff block: SameDiff's fused {@code lstmLayer} back-propagates wrongly
 * whenever the initial hidden and cell states differ (DL4J-NOTES), which is the TFT's case twice,
 * and an LSTM unrolled from ops that pass costs about 15 ops per step: 2,700 ops for a 192-step
 * window, where each op's fixed cost (20 µs forward, 60-130 µs backward) dwarfed its arithmetic.
 * Here each layer is one matrix product for the input projection of every step (ND4J GEMM), then a
 * recurrence in plain Java with its own backward pass (from {@link LstmSteps#GEMM_BATCH} windows
 * on, each step's recurrent products are one native GEMM over the batch); {@code TftGraph} runs it
 * between the graph before it and the graph after it. Gate blocks are input | forget | output |
 * candidate.
 */
public final class LstmEncoderDecoder {
  private final String scope;
  private final int hidden;
  private final int layers;
  private final int encoderLength;
  private final int horizon;
  private final Map<String, INDArray> parameters = new LinkedHashMap<>();
  private final List<Segment> encoders = new ArrayList<>();
  private final List<Segment> decoders = new ArrayList<>();
  private final ThreadLocal<List<LstmSteps>> activations = ThreadLocal.withInitial(ArrayList::new);
  private final ThreadLocal<double[]> gradients = new ThreadLocal<>();

  /** One LSTM over a span of steps with its own weights: W_x [H,4H], W_h [H,4H], b [4H]. */
  private record Segment(INDArray inputWeights, INDArray recurrentWeights, INDArray bias) {}

  /** The forward pass of a batch, with what the backward pass needs when it was kept. */
  public static final class Pass {
    private final int batch;
    private final INDArray output;
    private final List<LayerCache> caches;

    private Pass(int batch, INDArray output, List<LayerCache> caches) {
      this.batch = batch;
      this.output = output;
      this.caches = caches;
    }

    /** The last layer's hidden states, rows {@code [B*T, H]} in window-major order. */
    public INDArray output() {
      return output;
    }
  }

  /** Input gradients and parameter gradients (by parameter name) of one backward pass. */
  public record Gradients(
      INDArray input, INDArray initialHidden, INDArray initialCell, Map<String, INDArray> params) {}

  /** One layer's input rows and activations. */
  private record LayerCache(INDArray input, LstmSteps steps, long pass) {}

  public LstmEncoderDecoder(
      GraphContext g, String scope, long hidden, int layers, int encoderLength, int horizon) {
    this.scope = scope;
    this.hidden = (int) hidden;
    this.layers = layers;
    this.encoderLength = encoderLength;
    this.horizon = horizon;
    for (int layer = 0; layer < layers; layer++) {
      encoders.add(segment(g, scope + "/encoder/layer" + layer));
      decoders.add(segment(g, scope + "/decoder/layer" + layer));
    }
  }

  private Segment segment(GraphContext g, String name) {
    Segment s =
        new Segment(
            g.weightArray(hidden, 4 * hidden),
            g.weightArray(hidden, 4 * hidden),
            g.zerosArray(4 * hidden));
    parameters.put(name + "/W_x", s.inputWeights());
    parameters.put(name + "/W_h", s.recurrentWeights());
    parameters.put(name + "/b", s.bias());
    return s;
  }

  /**
   * This thread's activations of {@code layer} for {@code batch} windows, reused from pass to pass:
   * a pass writes every element, and the arrays (13 MB of gates at 64 windows) were a humongous
   * allocation of the collector's at every pass. A pass's activations are therefore valid until the
   * next forward pass on the same thread, which is how the model uses them (forward and backward in
   * one call).
   */
  private LstmSteps scratch(int batch, int total, int layer) {
    List<LstmSteps> kept = activations.get();
    while (kept.size() <= layer) {
      kept.add(null);
    }
    LstmSteps s = kept.get(layer);
    if (s == null || !s.fits(batch, total, hidden)) {
      s = new LstmSteps(batch, total, hidden);
      kept.set(layer, s);
    }
    return s;
  }

  /** This thread's array for a backward pass's gate gradients, reused as {@link #scratch} is. */
  private double[] gateGradients(int length) {
    double[] d = gradients.get();
    if (d == null || d.length != length) {
      d = new double[length];
      gradients.set(d);
    }
    return d;
  }

  /** The live weight arrays by scoped name; training updates them in place. */
  public Map<String, INDArray> parameters() {
    return parameters;
  }

  /**
   * Runs every layer over {@code input} rows {@code [B*T, H]} (T = encoder length + horizon) from
   * initial states {@code [B, H]}; {@code keepForBackward} keeps the activations that {@link
   * #backward} needs.
   */
  public Pass forward(INDArray input, INDArray h0, INDArray c0, boolean keepForBackward) {
    int total = encoderLength + horizon;
    int batch = (int) (input.size(0) / total);
    double[] initialH = values(h0);
    double[] initialC = values(c0);
    INDArray x = input;
    List<LayerCache> caches = new ArrayList<>();
    for (int layer = 0; layer < layers; layer++) {
      LstmSteps steps = scratch(batch, total, layer);
      steps.passes++;
      projectInto(steps.gates, x, batch, encoders.get(layer), 0, encoderLength);
      projectInto(steps.gates, x, batch, decoders.get(layer), encoderLength, total);
      double[] h = initialH.clone();
      double[] c = initialC.clone();
      // the weights' copies are used only by these calls (JavaScratch)
      steps.forward(
          JavaArrays.scratchValues(encoders.get(layer).recurrentWeights()), h, c, 0, encoderLength);
      steps.forward(
          JavaArrays.scratchValues(decoders.get(layer).recurrentWeights()),
          h,
          c,
          encoderLength,
          total);
      if (keepForBackward) {
        caches.add(new LayerCache(x, steps, steps.passes));
      }
      x = JavaArrays.array(steps.hiddens, (long) batch * total, hidden);
      x = x.castTo(input.dataType());
    }
    return new Pass(batch, x, keepForBackward ? caches : null);
  }

  /**
   * Back-propagates {@code dOutput} (the loss gradient of {@link Pass#output()}) to the input rows,
   * the initial states and every weight.
   */
  public Gradients backward(Pass pass, INDArray dOutput, INDArray h0, INDArray c0) {
    if (pass.caches == null) {
      throw new IllegalArgumentException("the forward pass was run without keepForBackward");
    }
    int total = encoderLength + horizon;
    int batch = pass.batch;
    DataType dt = dOutput.dataType();
    double[] initialH = values(h0);
    double[] initialC = values(c0);
    double[] dH0 = new double[batch * hidden];
    double[] dC0 = new double[batch * hidden];
    Map<String, INDArray> grads = new LinkedHashMap<>();
    double[] dHiddens = values(dOutput);
    INDArray dInput = null;
    for (int layer = layers - 1; layer >= 0; layer--) {
      LayerCache cache = pass.caches.get(layer);
      if (cache.steps().passes != cache.pass()) {
        throw new IllegalStateException(
            "the forward pass's activations were overwritten by a later forward pass on this thread");
      }
      double[] dGates = gateGradients(batch * total * 4 * hidden);
      double[] dh = new double[batch * hidden];
      double[] dc = new double[batch * hidden];
      Segment dec = decoders.get(layer);
      Segment enc = encoders.get(layer);
      double[] decWh = values(dec.recurrentWeights());
      double[] encWh = values(enc.recurrentWeights());
      double[] dDecWh = new double[hidden * 4 * hidden];
      double[] dEncWh = new double[hidden * 4 * hidden];
      // the decoder first: its initial-state gradient is the encoder's last-step gradient
      cache
          .steps()
          .backward(
              dHiddens, dGates, dh, dc, decWh, dDecWh, initialH, initialC, encoderLength, total);
      cache
          .steps()
          .backward(dHiddens, dGates, dh, dc, encWh, dEncWh, initialH, initialC, 0, encoderLength);
      for (int i = 0; i < dh.length; i++) {
        dH0[i] += dh[i];
        dC0[i] += dc[i];
      }
      INDArray dGatesRows = JavaArrays.array(dGates, (long) batch * total, 4L * hidden);
      INDArray input = cache.input().castTo(DataType.DOUBLE);
      dInput = Nd4j.create(DataType.DOUBLE, (long) batch * total, hidden);
      projectBack(
          grads,
          scope + "/encoder/layer" + layer,
          enc,
          input,
          dGatesRows,
          dInput,
          batch,
          0,
          encoderLength,
          dEncWh);
      projectBack(
          grads,
          scope + "/decoder/layer" + layer,
          dec,
          input,
          dGatesRows,
          dInput,
          batch,
          encoderLength,
          total,
          dDecWh);
      dHiddens = JavaArrays.values(dInput);
    }
    Map<String, INDArray> named = new LinkedHashMap<>();
    for (String name : parameters.keySet()) {
      named.put(name, grads.get(name).castTo(dt));
    }
    return new Gradients(
        dInput.castTo(dt),
        JavaArrays.array(dH0, h0.shape()).castTo(dt),
        JavaArrays.array(dC0, c0.shape()).castTo(dt),
        named);
  }

  /** gates[b, t, :] = x[b, t, :] · W_x + b for t in [from, to), one GEMM over all those rows. */
  private void projectInto(double[] gates, INDArray x, int batch, Segment s, int from, int to) {
    int total = encoderLength + horizon;
    int steps = to - from;
    int width = 4 * hidden;
    // in double precision from the start: casting the [rows, H] input costs a quarter of casting
    // the [rows, 4H] product
    INDArray rows = spanRows(x, batch, from, to).castTo(DataType.DOUBLE);
    INDArray projected =
        Broadcasts.addiRow(
            rows.mmul(s.inputWeights().castTo(DataType.DOUBLE)), s.bias().castTo(DataType.DOUBLE));
    for (int b = 0; b < batch; b++) {
      JavaArrays.into(
          projected, gates, (long) b * steps * width, (b * total + from) * width, steps * width);
    }
  }

  /** Rows {@code [B*(to-from), In]} of the steps in [from, to) of each window, as a copy. */
  private INDArray spanRows(INDArray x, int batch, int from, int to) {
    int total = encoderLength + horizon;
    if (from == 0 && to == total) {
      return x;
    }
    long in = x.size(1);
    return x.reshape(batch, total, in)
        .get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all())
        .dup('c')
        .reshape((long) batch * (to - from), in);
  }

  /** dW_x = xᵀ·dz, db = Σ dz and dx += dz·W_xᵀ over the rows of steps [from, to). */
  private void projectBack(
      Map<String, INDArray> grads,
      String name,
      Segment s,
      INDArray input,
      INDArray dGatesRows,
      INDArray dInput,
      int batch,
      int from,
      int to,
      double[] dWh) {
    INDArray x = spanRows(input, batch, from, to);
    INDArray dz = spanRows(dGatesRows, batch, from, to);
    grads.put(name + "/W_x", x.transpose().mmul(dz));
    grads.put(name + "/W_h", JavaArrays.array(dWh, hidden, 4L * hidden));
    grads.put(name + "/b", dz.sum(0));
    INDArray dx = dz.mmul(s.inputWeights().castTo(DataType.DOUBLE).transpose());
    int total = encoderLength + horizon;
    int steps = to - from;
    INDArray target = dInput.reshape(batch, total, input.size(1));
    target
        .get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all())
        .addi(dx.reshape(batch, steps, input.size(1)));
  }

  private static double[] values(INDArray a) {
    return JavaArrays.values(a);
  }
}
