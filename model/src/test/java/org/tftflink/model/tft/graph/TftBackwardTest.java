package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.model.tft.graph.RandomModels.batch;
import static org.tftflink.model.tft.graph.RandomModels.randomised;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.graph.infer.FrontBackward;
import org.tftflink.model.tft.graph.infer.TftBackward;

/**
 * The training step's Java passes (the front's {@link FrontBackward} and the decoder's {@link
 * TftBackward}, what {@link TftGraph#backward} runs for the loss) against the SameDiff graphs'
 * gradient functions (the reference, whose whole-model gradient {@link WholeModelGradientTest}
 * checks numerically): the loss and every parameter's gradient, in double, with random weights,
 * drawn dropout masks, missing values and unobserved targets.
 */
class TftBackwardTest {
  private static final double DOUBLE_TOLERANCE = 1e-9;

  @AfterEach
  void restoreDefaults() {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
  }

  @Test
  void shouldEqualGraphGradientsWhenTinyModelWithDrawnDropoutMasks() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().lstmLayers(2).build();
    TftModel model = randomised(config, 31);
    assertSameGradients(model, feeds(model, 5, 1, true));
  }

  @Test
  void shouldEqualGraphGradientsWhenWithoutDropoutAndStaticCategoricals() {
    TftConfig config =
        TestWindows.tinyConfig().toBuilder().dropout(0).staticCategoricals(2).build();
    TftModel model = randomised(config, 32);
    assertSameGradients(model, feeds(model, 4, 2, false));
  }

  @Test
  void shouldEqualGraphGradientsWhenDrawnDropoutMasksAndStaticCategoricals() {
    // the static embedding tables' gradients pass through the static selection's dropout
    TftConfig config = TestWindows.tinyConfig().toBuilder().staticCategoricals(3).build();
    TftModel model = randomised(config, 34);
    assertSameGradients(model, feeds(model, 4, 2, true));
  }

  @Test
  void shouldEqualGraphGradientsWhenReferenceConfigInDouble() {
    TftConfig config = TftConfig.reference().toBuilder().dataType("DOUBLE").build();
    TftModel model = randomised(config, 33);
    assertSameGradients(model, feeds(model, 3, 3, true));
  }

  @Test
  void shouldEqualDirectPassWhenRunInTrainingWorkspaceAndKeptAcrossPasses() {
    TftConfig config = TftConfig.reference().toBuilder().dataType("DOUBLE").build();
    TftModel model = randomised(config, 35);
    Map<String, INDArray> first = feeds(model, 3, 4, true);
    Map<String, INDArray> other = feeds(model, 3, 5, true);

    // the first call sizes the workspace, the second reuses (and overwrites) it
    TftGraph.Backward kept = model.graph().backward(first, TftGraph.LOSS);
    TftGraph.Backward overwriting = model.graph().backward(other, TftGraph.LOSS);
    TftGraph.Backward again = model.graph().backward(first, TftGraph.LOSS);
    // the same weights in a model that never ran in the workspace (its caches are its own)
    TftModel twin = randomised(config, 35);
    TftGraph.Backward direct = twin.graph().backward(feeds(twin, 3, 4, true), TftGraph.LOSS, true);

    assertThat(overwriting.loss()).isNotEqualTo(direct.loss());
    for (TftGraph.Backward b : List.of(kept, again)) {
      assertThat(b.loss()).isEqualTo(direct.loss());
      assertThat(b.gradients()).containsOnlyKeys(direct.gradients().keySet());
      b.gradients()
          .forEach(
              (name, g) -> {
                assertThat(g.isAttached()).as(name + " attached").isFalse();
                assertThat(g).as(name).isEqualTo(direct.gradients().get(name));
              });
    }
  }

  private static void assertSameGradients(TftModel model, Map<String, INDArray> feeds) {
    TftGraph.Backward java = model.graph().backward(feeds, TftGraph.LOSS, true);
    TftGraph.Backward graph = model.graph().backward(feeds, TftGraph.LOSS, false);

    assertThat(java.loss()).isCloseTo(graph.loss(), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(java.gradients()).containsOnlyKeys(graph.gradients().keySet());
    assertThat(java.gradients()).doesNotContainValue(null);
    List<String> differing = new ArrayList<>();
    double worst = 0;
    for (String name : graph.gradients().keySet()) {
      INDArray a = java.gradients().get(name);
      INDArray e = graph.gradients().get(name);
      assertThat(a.shape()).as(name + " shape").isEqualTo(e.shape());
      double scale = Math.max(e.amaxNumber().doubleValue(), 1e-12);
      double diff = a.sub(e).amaxNumber().doubleValue() / scale;
      worst = Math.max(worst, diff);
      if (!(diff <= DOUBLE_TOLERANCE)) {
        differing.add(name + ": " + diff);
      }
    }
    System.out.printf("worst relative gradient difference %.2e%n", worst);
    assertThat(differing).isEmpty();
  }

  private static Map<String, INDArray> feeds(TftModel model, int n, long seed, boolean dropout) {
    return model.withMasks(
        batch(model, n, seed).encoded(),
        dropout ? Nd4j.getRandomFactory().getNewRandomInstance(seed) : null);
  }
}
