package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tftflink.model.tft.graph.RandomModels.batch;
import static org.tftflink.model.tft.graph.RandomModels.randomised;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.graph.RandomModels.Samples;
import org.tftflink.model.tft.graph.infer.ForwardWorkspace;
import org.tftflink.model.tft.graph.infer.TftForward;
import org.tftflink.model.tft.train.TftTrainer;

/**
 * The Java forward pass ({@link TftForward}, what {@link TftGraph#output} runs) against the
 * SameDiff graphs ({@link TftGraph#sameDiffOutput}): every output it serves, with random weights,
 * static categoricals, missing values (indicators and unobserved targets), dropout masks of ones
 * and of Bernoulli draws, and after training steps.
 */
class TftForwardTest {
  private static final String[] OUTPUTS = TftForward.OUTPUTS.toArray(new String[0]);
  // float: relative to the element, with a floor at 1e-3 of the output's largest magnitude (softmax
  // tails and differences of nearly equal quantiles carry absolute, not relative, rounding)
  private static final double FLOAT_TOLERANCE = 1e-5;
  private static final double DOUBLE_TOLERANCE = 1e-10;

  @AfterEach
  void restoreDefaults() {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
  }

  @Test
  void shouldEqualGraphWhenTinyModelInDouble() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().lstmLayers(2).build();
    TftModel model = randomised(config, 11);
    assertSamePaths(model, batch(model, 5, 1), false, DOUBLE_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenTinyModelInFloat() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();
    TftModel model = randomised(config, 12);
    assertSamePaths(model, batch(model, 7, 2), false, FLOAT_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenBatchIsLargeEnoughForGemmRecurrence() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().lstmLayers(2).build();
    TftModel model = randomised(config, 19);
    assertSamePaths(model, batch(model, 40, 9), false, DOUBLE_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenReferenceConfigAtBatchOfGemmRecurrence() {
    TftConfig config = TftConfig.reference();
    TftModel model = randomised(config, 20);
    assertSamePaths(model, batch(model, 17, 10), false, FLOAT_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenDropoutMasksAreDrawn() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().lstmLayers(2).build();
    TftModel model = randomised(config, 13);
    assertSamePaths(model, batch(model, 4, 3), true, DOUBLE_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenReferenceConfig() {
    TftConfig config = TftConfig.reference().toBuilder().staticCategoricals(2).build();
    TftModel model = randomised(config, 14);
    assertSamePaths(model, batch(model, 3, 4), false, FLOAT_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenPfParityConfig() {
    TftConfig config = TftConfig.pfParity();
    TftModel model = randomised(config, 15);
    assertSamePaths(model, batch(model, 2, 5), false, FLOAT_TOLERANCE);
  }

  @Test
  void shouldEqualGraphWhenWeightsChangedByTrainingSteps() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();
    TftModel model = randomised(config, 16);
    Samples s = batch(model, 6, 6);
    INDArray before = model.output(s.encoded(), TftGraph.PREDICTION).get(TftGraph.PREDICTION);
    TftTrainer trainer = new TftTrainer(model, 0.05);
    for (int i = 0; i < 3; i++) {
      trainer.step(s.samples());
    }
    INDArray after = model.output(s.encoded(), TftGraph.PREDICTION).get(TftGraph.PREDICTION);

    assertThat(maxAbsDifference(before, after)).isGreaterThan(1e-3);
    assertSamePaths(model, s, false, FLOAT_TOLERANCE);
  }

  @Test
  void shouldKeepOutputsAndCachesValidAcrossWorkspacePassesOfOtherSizes() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().lstmLayers(2).build();
    TftModel model = randomised(config, 21);
    Samples small = batch(model, 3, 7);
    Samples large = batch(model, 30, 8);
    Map<String, INDArray> first = model.graph().output(small.encoded().feeds(), OUTPUTS);
    Map<String, INDArray> kept = new java.util.HashMap<>();
    first.forEach((name, value) -> kept.put(name, value.dup()));
    assertThat(first.values()).allMatch(v -> !v.isAttached());

    // the same pass again reuses the caches the first one made (scratch arrays, the causal mask)
    // while its own arrays fill the workspace: equal outputs, so no cache lives in the workspace
    Map<String, INDArray> again = model.graph().output(small.encoded().feeds(), OUTPUTS);
    // larger passes grow the workspace; the first outputs stay as they were
    model.graph().output(large.encoded().feeds(), OUTPUTS);
    model.graph().output(large.encoded().feeds(), OUTPUTS);
    for (String name : OUTPUTS) {
      assertThat(maxAbsDifference(again.get(name), kept.get(name))).as(name).isZero();
      assertThat(maxAbsDifference(first.get(name), kept.get(name))).as(name).isZero();
    }
    // a pass larger than the workspace's limit allocates as before and leaves the block as it was
    long held =
        Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("tft-forward").getCurrentSize();
    assertThat(held).isPositive();
    assertSamePaths(
        model, batch(model, (int) ForwardWorkspace.MAX_BATCH + 1, 9), false, DOUBLE_TOLERANCE);
    assertThat(
            Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("tft-forward").getCurrentSize())
        .isEqualTo(held);
    // and the caches serve the graphs and training
    assertSamePaths(model, large, true, DOUBLE_TOLERANCE);
    new TftTrainer(model, 0.05).step(small.samples());
    assertSamePaths(model, small, false, DOUBLE_TOLERANCE);
  }

  @Test
  void shouldComputeOnlySelectionWeightsWhenNothingAfterLstmIsAsked() {
    TftConfig config = TestWindows.tinyConfig();
    TftModel model = randomised(config, 17);
    Map<String, INDArray> feeds = model.withMasks(batch(model, 3, 7).encoded(), null);

    Map<String, INDArray> out =
        model.graph().output(feeds, TftGraph.ENCODER_WEIGHTS, TftGraph.STATIC_WEIGHTS);

    assertThat(out).containsOnlyKeys(TftGraph.ENCODER_WEIGHTS, TftGraph.STATIC_WEIGHTS);
    assertClose(
        TftGraph.ENCODER_WEIGHTS,
        out.get(TftGraph.ENCODER_WEIGHTS),
        model.graph().sameDiffOutput(feeds, TftGraph.ENCODER_WEIGHTS).get(TftGraph.ENCODER_WEIGHTS),
        DOUBLE_TOLERANCE);
  }

  @Test
  void shouldRunGraphsWhenInferencePropertyIsSameDiff() {
    TftConfig config = TestWindows.tinyConfig();
    System.setProperty(TftGraph.INFERENCE_PROPERTY, "samediff");
    TftModel model;
    try {
      model = randomised(config, 18);
    } finally {
      System.clearProperty(TftGraph.INFERENCE_PROPERTY);
    }
    Map<String, INDArray> feeds = model.withMasks(batch(model, 3, 8).encoded(), null);

    INDArray viaOutput = model.graph().output(feeds, TftGraph.PREDICTION).get(TftGraph.PREDICTION);
    INDArray viaGraph =
        model.graph().sameDiffOutput(feeds, TftGraph.PREDICTION).get(TftGraph.PREDICTION);
    INDArray viaJava =
        randomised(config, 18).graph().output(feeds, TftGraph.PREDICTION).get(TftGraph.PREDICTION);

    assertThat(viaOutput).isEqualTo(viaGraph);
    // the Java pass differs from the graphs in rounding only, and here it is not what ran
    assertThat(viaJava.equalsWithEps(viaGraph, 1e-9)).isTrue();
  }

  @Test
  void shouldRejectUnknownInferencePath() {
    System.setProperty(TftGraph.INFERENCE_PROPERTY, "fast");
    try {
      assertThatThrownBy(() -> TftGraph.build(TestWindows.tinyConfig()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tft.inference=fast");
    } finally {
      System.clearProperty(TftGraph.INFERENCE_PROPERTY);
    }
  }

  private static void assertSamePaths(
      TftModel model, Samples s, boolean drawnMasks, double tolerance) {
    Map<String, INDArray> feeds =
        model.withMasks(
            s.encoded(), drawnMasks ? Nd4j.getRandomFactory().getNewRandomInstance(3) : null);
    // without drawn masks the Java pass gets none (as from TftModel.output), the graphs ones
    Map<String, INDArray> java =
        model.graph().output(drawnMasks ? feeds : s.encoded().feeds(), OUTPUTS);
    Map<String, INDArray> graph = model.graph().sameDiffOutput(feeds, OUTPUTS);
    for (String name : OUTPUTS) {
      assertClose(name, java.get(name), graph.get(name), tolerance);
    }
  }

  private static void assertClose(String name, INDArray actual, INDArray expected, double tol) {
    assertThat(actual.shape()).as(name + " shape").isEqualTo(expected.shape());
    assertThat(actual.dataType()).as(name + " data type").isEqualTo(expected.dataType());
    double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double scale = 0;
    for (double v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      assertThat(Double.isFinite(a[i])).as(name + "[" + i + "] finite").isTrue();
      double rel = Math.abs(a[i] - e[i]) / Math.max(Math.abs(e[i]), 1e-3 * scale);
      worst = Math.max(worst, rel);
    }
    System.out.printf("%s: worst relative difference %.2e%n", name, worst);
    assertThat(worst).as(name + " worst relative difference").isLessThanOrEqualTo(tol);
  }

  private static double maxAbsDifference(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }
}
