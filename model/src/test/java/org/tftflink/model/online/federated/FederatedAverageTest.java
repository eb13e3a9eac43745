package org.tftflink.model.online.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.OptimizerState;

/** FedAvg: shard candidates weighted by their sample counts; one shard is plain training. */
class FederatedAverageTest {

  @Test
  void shouldWeightEachShardByItsSampleCount() {
    Map<String, double[]> a = Map.of("w", new double[] {1, 2}, "b", new double[] {0});
    Map<String, double[]> b = Map.of("w", new double[] {5, 6}, "b", new double[] {4});

    Map<String, double[]> avg =
        FederatedAverage.average(List.of(a, b), FederatedAverage.shares(new long[] {300, 100}));

    assertThat(avg.get("w")).containsExactly(2.0, 3.0);
    assertThat(avg.get("b")).containsExactly(1.0);
  }

  @Test
  void shouldGiveALoneShardsWeightsBackExactly() {
    double[] w = {0.1, 1.0 / 3, 7e-9};

    Map<String, double[]> avg =
        FederatedAverage.average(List.of(Map.of("w", w)), FederatedAverage.shares(new long[] {3}));

    assertThat(avg.get("w")).containsExactly(w);
  }

  @Test
  void shouldLeaveOutAShardWithoutSamples() {
    Map<String, double[]> a = Map.of("w", new double[] {1});
    Map<String, double[]> b = Map.of("w", new double[] {Double.NaN}); // never trained

    Map<String, double[]> avg =
        FederatedAverage.average(List.of(a, b), FederatedAverage.shares(new long[] {8, 0}));

    assertThat(avg.get("w")).containsExactly(1.0);
  }

  @Test
  void shouldRefuseShardsThatDidNotTrainFromTheSameVersion() {
    Map<String, double[]> a = Map.of("w", new double[] {1, 2});
    Map<String, double[]> b = Map.of("w", new double[] {1});

    assertThatThrownBy(() -> FederatedAverage.average(List.of(a, b), new double[] {0.5, 0.5}))
        .hasMessageContaining("same global version");
    assertThatThrownBy(() -> FederatedAverage.shares(new long[] {0, 0}))
        .hasMessageContaining("no shard has samples");
  }

  @Test
  void shouldAverageTftParametersAndAdamMomentsIntoOneCandidate() {
    TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();
    TftWeights one = weights(config, 1, 0.2);
    TftWeights two = weights(config, 2, 0.6);

    TftWeights avg = FederatedAverage.of(List.of(one, two), new long[] {1, 3});

    assertThat(avg.parameterNames()).isEqualTo(one.parameterNames());
    for (String name : avg.parameterNames()) {
      double[] p = avg.parameter(name);
      for (int i = 0; i < p.length; i++) {
        assertThat(p[i])
            .isCloseTo(
                0.25 * one.parameter(name)[i] + 0.75 * two.parameter(name)[i], within(1e-12));
      }
    }
    assertThat(avg.optimizer().moments().get("m")[0]).isCloseTo(0.5, within(1e-12));
    assertThat(avg.optimizer().iteration()).isEqualTo(2);
    assertThat(FederatedAverage.of(List.of(one), new long[] {5})).isEqualTo(one);
  }

  /** The tiny model's weights, shifted by {@code seed} (as if a shard had trained them). */
  private static TftWeights weights(TftConfig config, long seed, double moment) {
    TftWeights base = TftWeights.of(TftModel.create(config, FeatureScaler.identity(config)), null);
    Map<String, double[]> shifted = new java.util.LinkedHashMap<>();
    for (String name : base.parameterNames()) {
      double[] p = base.parameter(name);
      for (int i = 0; i < p.length; i++) {
        p[i] += seed * 0.01 * (i % 3);
      }
      shifted.put(name, p);
    }
    return new TftWeights(
        config,
        base.scaler(),
        shifted,
        new OptimizerState(seed, 1e-3, Map.of("m", new double[] {moment, moment})));
  }
}
