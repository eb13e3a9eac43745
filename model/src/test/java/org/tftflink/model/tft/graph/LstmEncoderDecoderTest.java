package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Java LSTM encoder-decoder against the SameDiff-unrolled reference (forward) and against
 * central differences (backward, weights and inputs), with distinct initial states and two layers.
 */
class LstmEncoderDecoderTest {
  private static final int B = 2;
  private static final int H = 4;
  private static final int T_ENC = 3;
  private static final int T_DEC = 2;
  private static final int T = T_ENC + T_DEC;

  static {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  private final Random random = new Random(5);

  private INDArray randomArray(long... shape) {
    double[] v = new double[(int) (shape[0] * shape[1])];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextDouble() * 2 - 1;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  private LstmEncoderDecoder lstm(int layers) {
    GraphContext g = new GraphContext(SameDiff.create(), DataType.DOUBLE, 3, 0);
    LstmEncoderDecoder l = new LstmEncoderDecoder(g, "lstm", H, layers, T_ENC, T_DEC);
    // non-zero biases, so that their gradients are checked too
    l.parameters()
        .forEach(
            (name, arr) -> arr.addi(randomArray(1, arr.length()).reshape(arr.shape()).muli(0.3)));
    return l;
  }

  @Test
  void shouldMatchUnrolledReferenceWhenForward() {
    LstmEncoderDecoder lstm = lstm(2);
    INDArray x = randomArray(B * T, H);
    INDArray h0 = randomArray(B, H);
    INDArray c0 = randomArray(B, H);

    SameDiff sd = SameDiff.create();
    GraphContext g = new GraphContext(sd, DataType.DOUBLE, 3, 0);
    INDArray x3 = x.reshape(B, T, H);
    SDVariable enc =
        sd.constant(
            x3.get(NDArrayIndex.all(), NDArrayIndex.interval(0, T_ENC), NDArrayIndex.all())
                .dup()
                .reshape(B * T_ENC, H));
    SDVariable dec =
        sd.constant(
            x3.get(NDArrayIndex.all(), NDArrayIndex.interval(T_ENC, T), NDArrayIndex.all())
                .dup()
                .reshape(B * T_DEC, H));
    UnrolledLstmReference.Output ref =
        new UnrolledLstmReference("lstm", H, 2, T_ENC, T_DEC)
            .build(g, enc, dec, sd.constant(h0), sd.constant(c0));
    lstm.parameters().forEach((name, arr) -> sd.getVariable(name).getArr().assign(arr));
    sd.identity("enc_out", ref.encoder());
    sd.identity("dec_out", ref.decoder());
    Map<String, INDArray> expected = sd.output(Map.of(), "enc_out", "dec_out");

    INDArray actual = lstm.forward(x, h0, c0, false).output().reshape(B, T, H);
    INDArray actualEnc =
        actual.get(NDArrayIndex.all(), NDArrayIndex.interval(0, T_ENC), NDArrayIndex.all());
    INDArray actualDec =
        actual.get(NDArrayIndex.all(), NDArrayIndex.interval(T_ENC, T), NDArrayIndex.all());
    assertThat(maxAbsDiff(actualEnc, expected.get("enc_out").reshape(B, T_ENC, H)))
        .isLessThan(1e-12);
    assertThat(maxAbsDiff(actualDec, expected.get("dec_out").reshape(B, T_DEC, H)))
        .isLessThan(1e-12);
  }

  @Test
  void shouldMatchNumericalGradientWhenDistinctInitialStatesAndTwoLayers() {
    LstmEncoderDecoder lstm = lstm(2);
    INDArray x = randomArray(B * T, H);
    INDArray h0 = randomArray(B, H);
    INDArray c0 = randomArray(B, H);
    INDArray projection = randomArray(B * T, H);

    LstmEncoderDecoder.Gradients grads =
        lstm.backward(lstm.forward(x, h0, c0, true), projection, h0, c0);
    Map<String, INDArray> arrays = new LinkedHashMap<>(lstm.parameters());
    arrays.put("x", x);
    arrays.put("h0", h0);
    arrays.put("c0", c0);
    Map<String, INDArray> analytic = new LinkedHashMap<>(grads.params());
    analytic.put("x", grads.input());
    analytic.put("h0", grads.initialHidden());
    analytic.put("c0", grads.initialCell());

    GradientChecker.Result r =
        GradientChecker.compare(
            arrays,
            analytic,
            () -> lstm.forward(x, h0, c0, false).output().mul(projection).sumNumber().doubleValue(),
            60,
            3);

    assertThat(r.failures()).isEmpty();
    assertThat(r.checked()).isGreaterThan(500);
  }

  @Test
  void shouldRefuseBackwardWhenLaterForwardPassReusedActivations() {
    LstmEncoderDecoder lstm = lstm(1);
    INDArray x = randomArray(B * T, H);
    INDArray h0 = randomArray(B, H);
    INDArray c0 = randomArray(B, H);
    LstmEncoderDecoder.Pass first = lstm.forward(x, h0, c0, true);
    lstm.forward(randomArray(B * T, H), h0, c0, false);

    assertThatThrownBy(() -> lstm.backward(first, randomArray(B * T, H), h0, c0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("overwritten");
  }

  private static double maxAbsDiff(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }
}
