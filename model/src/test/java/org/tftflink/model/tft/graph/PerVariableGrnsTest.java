package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java per-variable GRNs and weighted sum against the SameDiff variable selection network
 * (forward, same parameters, dropout mask on) and against central differences (backward: every
 * parameter, the embeddings and the selection weights), with a linear skip (input size below the
 * hidden size) and with the identity skip, on a few rows and on rows that span several of the fused
 * loops' tiles (the last one partial).
 */
class PerVariableGrnsTest {
  private static final int VARIABLES = 3;

  static {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  private final Random random = new Random(17);

  private INDArray randomArray(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextDouble() * 2 - 1;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  /** Parameters moved off their initial values, so that biases and the norm's gain are tested. */
  private void perturb(Map<String, INDArray> params) {
    params.forEach((name, arr) -> arr.addi(randomArray(arr.shape()).muli(0.3)));
  }

  private INDArray mask(int rows, int hidden) {
    // inverted dropout at rate 0.5: entries 0 or 2
    return randomArray(VARIABLES, rows, hidden).gt(0).castTo(DataType.DOUBLE).muli(2);
  }

  @ParameterizedTest(name = "input {0}, hidden {1}, {2} windows of {3}")
  @CsvSource({"2, 4, 2, 3", "4, 4, 2, 3", "2, 4, 5, 233", "4, 4, 5, 233"})
  void shouldMatchSameDiffVariableSelectionWhenForwardWithDropout(
      int in, int hidden, int windows, int steps) {
    int rows = windows * steps;
    SameDiff sd = SameDiff.create();
    GraphContext g = new GraphContext(sd, DataType.DOUBLE, 7, 0.5);
    SDVariable x = sd.placeHolder("x", DataType.DOUBLE, VARIABLES, -1, in);
    SDVariable c = sd.placeHolder("c", DataType.DOUBLE, -1, hidden);
    VariableSelectionNetwork.Output ref =
        new VariableSelectionNetwork("vsn", VARIABLES, in, hidden, hidden, steps).build(g, x, c);
    sd.identity("selected", ref.selected());
    sd.identity("weights", ref.weights());
    PerVariableGrns grns =
        PerVariableGrns.create(
            new GraphContext(SameDiff.create(), DataType.DOUBLE, 7, 0.5),
            "vsn/var_grn",
            VARIABLES,
            in,
            Math.min(in, hidden),
            hidden,
            steps);
    perturb(grns.parameters());
    grns.parameters().forEach((name, arr) -> sd.getVariable(name).getArr().assign(arr));

    Map<String, INDArray> feeds = new LinkedHashMap<>();
    feeds.put("x", randomArray(VARIABLES, rows, in));
    feeds.put("c", randomArray(windows, hidden));
    for (GraphContext.DropoutSite site : g.dropoutSites()) {
      feeds.put(site.name(), Nd4j.ones(DataType.DOUBLE, site.shape(windows)));
    }
    INDArray dropout = mask(rows, Math.min(in, hidden));
    feeds.put(grns.dropoutMask(), dropout);
    Map<String, INDArray> expected = sd.output(feeds, "selected", "weights");

    INDArray actual =
        grns.forward(feeds.get("x"), expected.get("weights"), dropout, false).output();

    assertThat(actual.shape()).isEqualTo(expected.get("selected").shape());
    assertThat(actual.sub(expected.get("selected")).amaxNumber().doubleValue()).isLessThan(1e-12);
  }

  @ParameterizedTest(name = "input {0}, hidden {1}, {2} windows of {3}")
  @CsvSource({"2, 4, 2, 3", "4, 4, 2, 3", "2, 4, 5, 233", "4, 4, 5, 233"})
  void shouldMatchNumericalGradientWhenBackward(int in, int hidden, int windows, int steps) {
    int rows = windows * steps;
    PerVariableGrns grns =
        PerVariableGrns.create(
            new GraphContext(SameDiff.create(), DataType.DOUBLE, 3, 0.5),
            "vsn/var_grn",
            VARIABLES,
            in,
            Math.min(in, hidden),
            hidden,
            steps);
    perturb(grns.parameters());
    INDArray x = randomArray(VARIABLES, rows, in);
    INDArray weights = randomArray(rows, VARIABLES);
    INDArray dropout = mask(rows, Math.min(in, hidden));
    INDArray projection = randomArray(rows, hidden);

    PerVariableGrns.Gradients grads =
        grns.backward(grns.forward(x, weights, dropout, true), projection);
    Map<String, INDArray> arrays = new LinkedHashMap<>(grns.parameters());
    arrays.put("x", x);
    arrays.put("weights", weights);
    Map<String, INDArray> analytic = new LinkedHashMap<>(grads.params());
    analytic.put("x", grads.input());
    analytic.put("weights", grads.weights());

    GradientChecker.Result r =
        GradientChecker.compare(
            arrays,
            analytic,
            () ->
                grns.forward(x, weights, dropout, false)
                    .output()
                    .mul(projection)
                    .sumNumber()
                    .doubleValue(),
            40,
            5);

    assertThat(r.failures()).isEmpty();
    assertThat(r.checked()).isGreaterThan(200);
  }
}
