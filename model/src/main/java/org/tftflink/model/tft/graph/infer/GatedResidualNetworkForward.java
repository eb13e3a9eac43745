package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Forward pass of a shared-weight {@code GatedResidualNetwork} on rows {@code [N, in]} (TFT paper
 * eqs. 2-4): {@code LayerNorm(skip(a) + GLU(W2 ELU(W1 a + b1 + W_c c) + b2))}, the static context
 * {@code c [B, contextSize]} added to each of a window's {@code rowsPerWindow} rows, and a linear
 * skip when input and output sizes differ.
 */
final class GatedResidualNetworkForward {
  private final String scope;
  private final boolean skip;
  private final boolean context;
  private final long rowsPerWindow;
  private final GateAddNormForward gateNorm;

  /**
   * @param skip whether the block has a linear skip ({@code in != out})
   * @param context whether the block takes a static context
   */
  GatedResidualNetworkForward(String scope, boolean skip, boolean context, long rowsPerWindow) {
    this.scope = scope;
    this.skip = skip;
    this.context = context;
    this.rowsPerWindow = rowsPerWindow;
    this.gateNorm = new GateAddNormForward(scope + "/gate_norm", true);
  }

  /**
   * @param x rows {@code [B*rowsPerWindow, in]}, left unchanged
   * @param c the context {@code [B, contextSize]}, or null when the block takes none
   */
  INDArray forward(Parameters p, INDArray x, INDArray c) {
    INDArray residual =
        skip ? Rows.dense(x, p.get(scope + "/skip/W"), p.get(scope + "/skip/b")) : x;
    INDArray h = Rows.dense(x, p.get(scope + "/fc1/W"), p.get(scope + "/fc1/b"));
    if (context) {
      Rows.addPerWindow(h, Rows.dense(c, p.get(scope + "/context/W"), null), rowsPerWindow);
    }
    Transforms.elu(h, false);
    h = Rows.dense(h, p.get(scope + "/fc2/W"), p.get(scope + "/fc2/b"));
    return gateNorm.forward(p, h, residual);
  }

  /** What {@link #backward} needs of a {@link #train} pass. */
  record Pass(INDArray x, INDArray c, INDArray elu, GateAddNormForward.Pass gateNorm) {
    INDArray output() {
      return gateNorm.output();
    }
  }

  /** The gradients of the input rows and of the context (null without one). */
  record Inputs(INDArray x, INDArray c) {}

  /** {@link #forward}, keeping the activations of the backward pass. */
  Pass train(Parameters p, INDArray x, INDArray c) {
    INDArray residual =
        skip ? Rows.dense(x, p.get(scope + "/skip/W"), p.get(scope + "/skip/b")) : x;
    INDArray h = Rows.dense(x, p.get(scope + "/fc1/W"), p.get(scope + "/fc1/b"));
    if (context) {
      Rows.addPerWindow(h, Rows.dense(c, p.get(scope + "/context/W"), null), rowsPerWindow);
    }
    Transforms.elu(h, false);
    INDArray e = h;
    h = Rows.dense(e, p.get(scope + "/fc2/W"), p.get(scope + "/fc2/b"));
    return new Pass(x, c, e, gateNorm.train(p, h, residual));
  }

  /** Back through gate-add-norm, fc2, ELU, the context, fc1 and the skip. */
  Inputs backward(Parameters p, Gradients g, Pass pass, INDArray dOut) {
    GateAddNormForward.Inputs d = gateNorm.backward(p, g, pass.gateNorm(), dOut);
    INDArray dh =
        Backprop.eluBackward(
            Backprop.dense(g, scope + "/fc2", pass.elu(), p.get(scope + "/fc2/W"), true, d.x()),
            pass.elu());
    INDArray dc = null;
    if (context) {
      INDArray dContext = Backprop.windowSums(dh, rowsPerWindow);
      dc =
          Backprop.dense(
              g, scope + "/context", pass.c(), p.get(scope + "/context/W"), false, dContext);
    }
    INDArray dx = Backprop.dense(g, scope + "/fc1", pass.x(), p.get(scope + "/fc1/W"), true, dh);
    if (skip) {
      dx.addi(
          Backprop.dense(
              g, scope + "/skip", pass.x(), p.get(scope + "/skip/W"), true, d.residual()));
    } else {
      dx.addi(d.residual());
    }
    return new Inputs(dx, dc);
  }
}
