package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.graph.Broadcasts;

/**
 * Forward pass of {@code InterpretableMultiHeadAttention} (TFT paper eqs. 13-16): per head {@code
 * A_h = softmax(Q_h K_hᵀ / √d + M)} with the causal mask {@code M} (horizon step i sees the history
 * and horizon steps up to i), {@code Ã = mean_h A_h}, output {@code (Ã V) W_h} with one value
 * projection shared by the heads; queries come from the horizon only.
 */
final class AttentionForward {

  /** Output rows {@code [B*horizon, hidden]} and head-averaged weights {@code [B, horizon, T]}. */
  record Output(INDArray output, INDArray weights) {}

  private final String scope;
  private final int heads;
  private final int encoderLength;
  private final int horizon;
  // built on first use per data type; a benign race builds the same mask twice
  private volatile INDArray mask;

  AttentionForward(String scope, int heads, int encoderLength, int horizon) {
    this.scope = scope;
    this.heads = heads;
    this.encoderLength = encoderLength;
    this.horizon = horizon;
  }

  /**
   * @param sequence all positions {@code [B*T, hidden]}
   * @param queryRows the horizon positions {@code [B*horizon, hidden]}
   */
  Output forward(Parameters p, INDArray sequence, INDArray queryRows) {
    Pass pass = train(p, sequence, queryRows);
    return new Output(pass.output(), pass.weights());
  }

  /** What {@link #backward} needs of a {@link #train} pass. */
  record Pass(
      INDArray sequence,
      INDArray queryRows,
      INDArray q,
      INDArray k,
      INDArray v,
      INDArray perHead,
      INDArray weights,
      INDArray attended,
      INDArray output) {}

  /** The gradients of the two inputs: all positions and the query rows. */
  record Inputs(INDArray sequence, INDArray queryRows) {}

  /** {@link #forward}, keeping the activations of the backward pass. */
  Pass train(Parameters p, INDArray sequence, INDArray queryRows) {
    int total = encoderLength + horizon;
    long batch = sequence.size(0) / total;
    INDArray wv = p.get(scope + "/W_v");
    long headSize = wv.size(1);
    INDArray q =
        heads(Rows.dense(queryRows, p.get(scope + "/W_q"), null), batch, horizon, headSize);
    INDArray k = heads(Rows.dense(sequence, p.get(scope + "/W_k"), null), batch, total, headSize);
    INDArray v = Rows.dense(sequence, wv, null).reshape(batch, total, headSize);
    INDArray scores = Nd4j.matmul(q, k, false, true, false).divi(Math.sqrt(headSize));
    Broadcasts.exec(new BroadcastAddOp(scores, causalMask(scores), scores, 2, 3));
    INDArray perHead = Rows.softmax(scores);
    INDArray weights = perHead.mean(1);
    INDArray attended = Nd4j.matmul(weights, v).reshape(batch * horizon, headSize);
    return new Pass(
        sequence,
        queryRows,
        q,
        k,
        v,
        perHead,
        weights,
        attended,
        Rows.dense(attended, p.get(scope + "/W_h"), null));
  }

  /**
   * Back through {@code (Ã V) W_h}, the head mean, each head's softmax ({@code dS = A ∘ (dA - Σ_j A
   * dA)}; the masked scores have {@code A = 0} and get none) and the three projections.
   */
  Inputs backward(Parameters p, Gradients g, Pass pass, INDArray dOut) {
    int total = encoderLength + horizon;
    long batch = pass.sequence().size(0) / total;
    long headSize = pass.v().size(2);
    INDArray dAttended =
        Backprop.dense(g, scope + "/W_h", null, pass.attended(), p.get(scope + "/W_h"), dOut)
            .reshape(batch, horizon, headSize);
    INDArray dWeights = Nd4j.matmul(dAttended, pass.v(), false, true, false);
    INDArray dv = Nd4j.matmul(pass.weights(), dAttended, true, false, false);
    // every head's weights get dÃ / heads; the 1/√d of the scores folds into the same factor
    INDArray a = pass.perHead();
    INDArray dA = Nd4j.createUninitialized(a.dataType(), a.shape());
    Broadcasts.exec(new BroadcastMulOp(a, dWeights, dA, 0, 2, 3));
    INDArray dScores = dA.subi(a.mul(dA.sum(true, 3)));
    dScores.muli(1.0 / (heads * Math.sqrt(headSize)));
    INDArray dq = Nd4j.matmul(dScores, pass.k());
    INDArray dk = Nd4j.matmul(dScores, pass.q(), true, false, false);
    INDArray dQueryRows =
        Backprop.dense(
            g,
            scope + "/W_q",
            null,
            pass.queryRows(),
            p.get(scope + "/W_q"),
            rows(dq, batch, horizon));
    INDArray dSequence =
        Backprop.dense(
            g,
            scope + "/W_k",
            null,
            pass.sequence(),
            p.get(scope + "/W_k"),
            rows(dk, batch, total));
    dSequence.addi(
        Backprop.dense(
            g,
            scope + "/W_v",
            null,
            pass.sequence(),
            p.get(scope + "/W_v"),
            dv.reshape(batch * total, headSize)));
    return new Inputs(dSequence, dQueryRows);
  }

  /** Per-head {@code [B, heads, steps, d]} back to rows {@code [B*steps, heads*d]}. */
  private INDArray rows(INDArray perHead, long batch, int steps) {
    return perHead.permute(0, 2, 1, 3).dup('c').reshape(batch * steps, heads * perHead.size(3));
  }

  /** Projected rows {@code [B*steps, heads*d]} as {@code [B, heads, steps, d]}. */
  private INDArray heads(INDArray rows, long batch, int steps, long headSize) {
    return rows.reshape(batch, steps, heads, headSize).permute(0, 2, 1, 3).dup('c');
  }

  /** Additive mask {@code [horizon, T]}: 0 where visible, -1e9 after the query's own step. */
  private INDArray causalMask(INDArray like) {
    INDArray m = mask;
    if (m != null && m.dataType() == like.dataType()) {
      return m;
    }
    int total = encoderLength + horizon;
    double[] values = new double[horizon * total];
    for (int i = 0; i < horizon; i++) {
      for (int j = encoderLength + i + 1; j < total; j++) {
        values[i * total + j] = -1e9;
      }
    }
    m =
        ForwardWorkspace.outside(
            () ->
                Nd4j.create(values, new long[] {horizon, total}, DataType.DOUBLE)
                    .castTo(like.dataType()));
    mask = m;
    return m;
  }
}
