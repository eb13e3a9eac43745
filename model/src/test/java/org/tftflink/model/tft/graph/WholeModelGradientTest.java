package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;

/**
 * Numerical gradient check of the whole TFT (every input kind, dropout masks on, two LSTM layers).
 */
class WholeModelGradientTest {

  @Test
  void shouldMatchNumericalGradientWhenWholeModelWithDropoutMasks() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    Nd4j.getRandom().setSeed(1);
    TftConfig config = TestWindows.tinyConfig().toBuilder().lstmLayers(2).build();
    TftModel model = TftModel.create(config, FeatureScaler.identity(config));
    EncodedBatch batch =
        model
            .encoder()
            .encode(TestWindows.windows(config, 3, 1), TestWindows.futures(config, 3, 2));
    Map<String, INDArray> feeds =
        model.withMasks(batch, Nd4j.getRandomFactory().getNewRandomInstance(1));

    GradientChecker.Result r =
        GradientChecker.checkModel(
            model.graph(), feeds, List.of(TftGraph.PREDICTION, TftGraph.ATTENTION), 4, 9);

    assertThat(r.failures()).isEmpty();
    assertThat(r.checked()).isGreaterThan(250);
  }

  @Test
  void shouldMatchNumericalGradientWhenTrainingLoss() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    TftConfig config = TestWindows.tinyConfig().toBuilder().dropout(0).build();
    TftModel model = TftModel.create(config, FeatureScaler.identity(config));
    EncodedBatch batch =
        model
            .encoder()
            .encode(TestWindows.windows(config, 2, 3), TestWindows.futures(config, 2, 4));

    GradientChecker.Result r =
        GradientChecker.checkModel(
            model.graph(), model.withMasks(batch, null), List.of(TftGraph.LOSS), 2, 5);

    assertThat(r.failures()).isEmpty();
    assertThat(r.checked()).isGreaterThan(150);
  }
}
