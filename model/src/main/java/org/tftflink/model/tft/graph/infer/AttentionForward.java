package org.tftflink.model.tft.graph.infer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

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
    int total = encoderLength + horizon;
    long batch = sequence.size(0) / total;
    INDArray wv = p.get(scope + "/W_v");
    long headSize = wv.size(1);
    INDArray q =
        heads(Rows.dense(queryRows, p.get(scope + "/W_q"), null), batch, horizon, headSize);
    INDArray k = heads(Rows.dense(sequence, p.get(scope + "/W_k"), null), batch, total, headSize);
    INDArray v = Rows.dense(sequence, wv, null).reshape(batch, total, headSize);
    INDArray scores = Nd4j.matmul(q, k, false, true, false).divi(Math.sqrt(headSize));
    Nd4j.exec(new BroadcastAddOp(scores, causalMask(scores), scores, 2, 3));
    INDArray weights = Rows.softmax(scores).mean(1);
    INDArray attended = Nd4j.matmul(weights, v).reshape(batch * horizon, headSize);
    return new Output(Rows.dense(attended, p.get(scope + "/W_h"), null), weights);
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
