package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The recurrence with its products as native GEMMs against the same recurrence in Java loops (which
 * {@link LstmEncoderDecoderTest} checks against central differences): the forward states, and the
 * backward's gate, state and recurrent-weight gradients, over an encoder span and a decoder span.
 */
class LstmStepsTest {
  private static final int B = LstmSteps.GEMM_BATCH + 1;
  private static final int T = 7;
  private static final int H = 5;
  private static final int SPLIT = 4;

  static {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  private final Random random = new Random(11);

  private double[] random(int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (random.nextDouble() * 2 - 1) * scale;
    }
    return v;
  }

  /** Everything one run of forward then backward produces. */
  private record Run(LstmSteps steps, double[] dGates, double[] dh, double[] dc, double[] dWh) {}

  private Run run(
      boolean byGemm,
      double[] projections,
      double[] encWh,
      double[] decWh,
      double[] h0,
      double[] c0,
      double[] dHiddens) {
    LstmSteps s = new LstmSteps(B, T, H, byGemm);
    System.arraycopy(projections, 0, s.gates, 0, projections.length);
    double[] h = h0.clone();
    double[] c = c0.clone();
    s.forward(encWh, h, c, 0, SPLIT);
    s.forward(decWh, h, c, SPLIT, T);
    double[] dGates = new double[s.gates.length];
    double[] dh = new double[B * H];
    double[] dc = new double[B * H];
    double[] dWh = new double[H * 4 * H];
    s.backward(dHiddens, dGates, dh, dc, decWh, dWh, h0, c0, SPLIT, T);
    s.backward(dHiddens, dGates, dh, dc, encWh, dWh, h0, c0, 0, SPLIT);
    return new Run(s, dGates, dh, dc, dWh);
  }

  @Test
  void shouldMatchJavaLoopsWhenProductsRunAsGemm() {
    double[] projections = random(B * T * 4 * H, 1.5);
    double[] encWh = random(H * 4 * H, 0.5);
    double[] decWh = random(H * 4 * H, 0.5);
    double[] h0 = random(B * H, 1);
    double[] c0 = random(B * H, 1);
    double[] dHiddens = random(B * T * H, 1);

    Run loops = run(false, projections, encWh, decWh, h0, c0, dHiddens);
    Run gemm = run(true, projections, encWh, decWh, h0, c0, dHiddens);

    assertClose(gemm.steps().hiddens, loops.steps().hiddens);
    assertClose(gemm.steps().cells, loops.steps().cells);
    assertClose(gemm.steps().gates, loops.steps().gates);
    assertClose(gemm.dGates(), loops.dGates());
    assertClose(gemm.dh(), loops.dh());
    assertClose(gemm.dc(), loops.dc());
    assertClose(gemm.dWh(), loops.dWh());
    assertThat(java.util.Arrays.stream(loops.dWh()).map(Math::abs).max().orElseThrow())
        .isGreaterThan(1e-3);
  }

  private static void assertClose(double[] actual, double[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-12));
    }
  }
}
