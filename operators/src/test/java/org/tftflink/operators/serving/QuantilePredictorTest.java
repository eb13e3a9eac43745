package org.tftflink.operators.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.FeatureScaler;

/** The serving path's quantiles equal those of TftModel.predict, window by window. */
class QuantilePredictorTest {

  @Test
  void shouldGiveTheSameQuantilesAsTheModelsOwnPredict() {
    TftConfig config =
        TftConfig.builder()
            .hiddenSize(4)
            .attentionHeads(2)
            .hiddenContinuousSize(2)
            .encoderLength(6)
            .horizon(3)
            .observedReals(2)
            .knownReals(2)
            .staticCategoricals(1)
            .hashBuckets(8)
            .staticReals(0)
            .dataType("FLOAT")
            .seed(3)
            .build();
    Random r = new Random(5);
    List<TftWindow> windows = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      double[][] observed = new double[6][2];
      for (double[] row : observed) {
        row[0] = 50 + 20 * r.nextGaussian();
        row[1] = r.nextDouble() < 0.2 ? Double.NaN : r.nextGaussian();
      }
      double[][] known = new double[9][2];
      for (int t = 0; t < 9; t++) {
        known[t][0] = (t + i) % 24;
        known[t][1] = i % 7;
      }
      windows.add(new TftWindow(observed, known, new String[] {"host-" + i}, new double[0]));
    }
    TftModel model = TftModel.create(config, FeatureScaler.fit(config, windows));

    List<double[][]> fast = QuantilePredictor.predict(model, windows);
    List<Forecast> reference = model.predict(windows);

    assertThat(fast).hasSize(windows.size());
    for (int i = 0; i < windows.size(); i++) {
      for (int h = 0; h < 3; h++) {
        for (int q = 0; q < 3; q++) {
          assertThat(fast.get(i)[h][q]).isCloseTo(reference.get(i).values()[h][q], within(1e-9));
        }
      }
    }
  }
}
