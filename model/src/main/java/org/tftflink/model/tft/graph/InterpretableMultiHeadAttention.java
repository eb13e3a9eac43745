package org.tftflink.model.tft.graph;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Interpretable multi-head attention of the TFT paper (eqs. 13-16): per-head queries and keys, one
 * value projection shared by all heads, heads averaged, so that the averaged weights explain the
 * output.
 *
 * <p>Only the horizon positions query (as in PyTorch Forecasting); keys span history and horizon.
 * The causal mask is added manually because SameDiff's attention ops fail with 3-D masks. Since V
 * is shared, {@code mean_h(A_h V) = (mean_h A_h) V}: one value matmul serves all heads.
 */
public final class InterpretableMultiHeadAttention {

  /**
   * Attention output {@code [B*Tdec, H]} and head-averaged weights {@code [B, Tdec, Tenc+Tdec]}.
   */
  public record Output(SDVariable output, SDVariable weights) {}

  private final String scope;
  private final long hidden;
  private final int heads;
  private final int encoderLength;
  private final int horizon;

  public InterpretableMultiHeadAttention(
      String scope, long hidden, int heads, int encoderLength, int horizon) {
    this.scope = scope;
    this.hidden = hidden;
    this.heads = heads;
    this.encoderLength = encoderLength;
    this.horizon = horizon;
  }

  /**
   * @param sequence all positions {@code [B*(Tenc+Tdec), H]}
   */
  public Output build(GraphContext g, SDVariable sequence) {
    int total = encoderLength + horizon;
    long headSize = hidden / heads;
    SDVariable queryRows =
        sequence
            .reshape(-1, total, hidden)
            .get(SDIndex.all(), SDIndex.interval(encoderLength, total), SDIndex.all())
            .reshape(-1, hidden);
    SDVariable q =
        queryRows
            .mmul(g.weight(scope + "/W_q", hidden, heads * headSize))
            .reshape(-1, horizon, heads, headSize)
            .permute(0, 2, 1, 3);
    SDVariable k =
        sequence
            .mmul(g.weight(scope + "/W_k", hidden, heads * headSize))
            .reshape(-1, total, heads, headSize)
            .permute(0, 2, 1, 3);
    SDVariable v =
        sequence.mmul(g.weight(scope + "/W_v", hidden, headSize)).reshape(-1, total, headSize);
    SDVariable scores =
        g.sd()
            .mmul(q, k, false, true, false)
            .div(Math.sqrt(headSize))
            .add(g.sd().constant(scope + "/causal_mask", causalMask(total).castTo(g.dataType())));
    SDVariable weights = g.sd().nn.softmax(scores, -1).mean(1);
    SDVariable attended = g.sd().mmul(weights, v).reshape(-1, headSize);
    SDVariable out = attended.mmul(g.weight(scope + "/W_h", headSize, hidden));
    return new Output(out, g.sd().identity(scope + "/weights", weights));
  }

  /**
   * Additive mask {@code [1,1,Tdec,T]}: horizon step i sees every history step and horizon steps up
   * to i.
   */
  private org.nd4j.linalg.api.ndarray.INDArray causalMask(int total) {
    double[] mask = new double[horizon * total];
    for (int i = 0; i < horizon; i++) {
      for (int j = 0; j < total; j++) {
        mask[i * total + j] = j > encoderLength + i ? -1e9 : 0.0;
      }
    }
    return Nd4j.create(
        mask, new long[] {1, 1, horizon, total}, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
  }
}
