package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Numerical gradient checks of every TFT block on tiny sizes, in DOUBLE. */
class BlockGradientTest {
  private static final int B = 2;
  private static final int T = 3;

  private final SameDiff sd = SameDiff.create();
  private final GraphContext g = new GraphContext(sd, DataType.DOUBLE, 7, 0.0);
  private final Map<String, INDArray> feeds = new HashMap<>();

  static {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    Nd4j.getRandom().setSeed(11);
  }

  private SDVariable input(String name, long... shape) {
    feeds.put(name, Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2));
    long[] ph = shape.clone();
    return sd.placeHolder(name, DataType.DOUBLE, ph);
  }

  private void assertGradientsMatch(String... outputs) {
    GradientChecker.Result r = GradientChecker.check(sd, feeds, List.of(outputs), 40, 3);
    assertThat(r.failures()).isEmpty();
    assertThat(r.checked()).isPositive();
  }

  @Test
  void shouldMatchNumericalGradientWhenGatedLinearUnit() {
    SDVariable x = input("x", B * T, 3);
    sd.identity("out", new GatedLinearUnit("glu", 3, 4, 0, T).build(g, x));
    assertGradientsMatch("out");
  }

  @Test
  void shouldMatchNumericalGradientWhenGateAddNorm() {
    SDVariable x = input("x", B * T, 3);
    SDVariable residual = input("residual", B * T, 4);
    sd.identity("out", new GateAddNorm("gan", 3, 4, 0, T).build(g, x, residual));
    assertGradientsMatch("out");
  }

  @Test
  void shouldMatchNumericalGradientWhenGrnWithContextAndSkip() {
    SDVariable x = input("x", B * T, 3);
    SDVariable c = input("c", B, 5);
    sd.identity("out", new GatedResidualNetwork("grn", 3, 4, 4, 5, 0, T).build(g, x, c));
    assertGradientsMatch("out");
  }

  @Test
  void shouldMatchNumericalGradientWhenPerVariableGrn() {
    SDVariable x = input("x", 3, B * T, 2);
    sd.identity("out", new GatedResidualNetwork("grn", 2, 4, 4, 0, 3, T).build(g, x, null));
    assertGradientsMatch("out");
  }

  @Test
  void shouldMatchNumericalGradientWhenVariableSelectionNetwork() {
    SDVariable x = input("x", B * T, 3);
    SDVariable c = input("c", B, 4);
    SDVariable transformed = InputTransform.reals(g, "prescale", x, 3, 2);
    VariableSelectionNetwork.Output o =
        new VariableSelectionNetwork("vsn", 3, 2, 4, 4, T).build(g, transformed, c);
    sd.identity("out", o.selected());
    sd.identity("w", o.weights());
    assertGradientsMatch("out", "w");
  }

  @Test
  void shouldMatchNumericalGradientWhenCategoricalEmbeddingAndStaticEncoder() {
    INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, 2, B, 5);
    oneHot.putScalar(new long[] {0, 0, 3}, 1);
    oneHot.putScalar(new long[] {0, 1, 1}, 1);
    oneHot.putScalar(new long[] {1, 0, 4}, 1);
    oneHot.putScalar(new long[] {1, 1, 4}, 1);
    feeds.put("cat", oneHot);
    SDVariable cat = sd.placeHolder("cat", DataType.DOUBLE, 2, -1, 5);
    SDVariable emb = InputTransform.categoricals(g, "emb", cat, 2, 5, 4);
    SDVariable pooled = emb.sum(0);
    StaticCovariateEncoder.Contexts c = new StaticCovariateEncoder("sce", 4).build(g, pooled);
    sd.identity("s", c.selection());
    sd.identity("h", c.hidden());
    sd.identity("c", c.cell());
    sd.identity("e", c.enrichment());
    assertGradientsMatch("s", "h", "c", "e");
  }

  @Test
  void shouldMatchNumericalGradientWhenInterpretableAttention() {
    SDVariable seq = input("seq", B * 5, 4);
    InterpretableMultiHeadAttention.Output o =
        new InterpretableMultiHeadAttention("att", 4, 2, 3, 2).build(g, seq);
    sd.identity("out", o.output());
    sd.identity("w", o.weights());
    assertGradientsMatch("out", "w");
  }

  @Test
  void shouldMatchNumericalGradientWhenQuantileOutput() {
    SDVariable x = input("x", B * T, 4);
    sd.identity("out", new QuantileOutput("q", 4, 5, 2).build(g, x));
    assertGradientsMatch("out");
  }

  @Test
  void shouldMatchNumericalGradientWhenQuantileLoss() {
    SDVariable x = input("x", B * T, 4);
    SDVariable y = input("y", B * T, 1);
    feeds.put(
        "w", Nd4j.create(new double[] {1, 0, 1, 1, 1, 0}, new long[] {B * T, 1}, DataType.DOUBLE));
    SDVariable w = sd.placeHolder("w", DataType.DOUBLE, -1, 1);
    SDVariable pred = new QuantileOutput("q", 4, 3, 1).build(g, x);
    new QuantileLoss(new double[] {0.1, 0.5, 0.9}).build(g, "pinball", pred, y, w);
    assertGradientsMatch("pinball");
  }
}
