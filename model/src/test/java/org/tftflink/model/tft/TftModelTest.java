package org.tftflink.model.tft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.TftGraph;

/** Shapes, masking and causality of the whole model. */
class TftModelTest {
  private final TftConfig config =
      TestWindows.tinyConfig().toBuilder().encoderLength(5).horizon(3).build();
  private final TftModel model = TftModel.create(config, FeatureScaler.identity(config));

  @Test
  void shouldReturnOneForecastPerWindowWithConfiguredShapes() {
    List<Forecast> f = model.predict(TestWindows.windows(config, 3, 1));

    assertThat(f).hasSize(3);
    Forecast first = f.get(0);
    assertThat(first.values()).hasNumberOfRows(3);
    assertThat(first.values()[0]).hasSize(3);
    assertThat(first.attention()).hasNumberOfRows(3);
    assertThat(first.attention()[0]).hasSize(8);
    assertThat(first.staticWeights()).hasSize(config.staticVariables());
    assertThat(first.encoderWeights()).hasNumberOfRows(5);
    assertThat(first.encoderWeights()[0]).hasSize(config.encoderVariables());
    assertThat(first.decoderWeights()[0]).hasSize(config.decoderVariables());
    assertThat(sum(first.staticWeights())).isCloseTo(1.0, within(1e-9));
    assertThat(sum(first.attention()[2])).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void shouldNeverCrossQuantilesWhenPredicting() {
    for (Forecast f : model.predict(TestWindows.windows(config, 20, 2))) {
      for (double[] step : f.values()) {
        assertThat(step[0]).isLessThanOrEqualTo(step[1]);
        assertThat(step[1]).isLessThanOrEqualTo(step[2]);
      }
    }
  }

  @Test
  void shouldGiveZeroAttentionToLaterHorizonStepsWhenCausal() {
    Forecast f = model.predict(TestWindows.windows(config, 1, 3)).get(0);
    for (int i = 0; i < config.horizon(); i++) {
      for (int j = 0; j < config.totalLength(); j++) {
        if (j > config.encoderLength() + i) {
          assertThat(f.attention()[i][j]).isEqualTo(0.0);
        } else {
          assertThat(f.attention()[i][j]).isPositive();
        }
      }
    }
  }

  @Test
  void shouldKeepEarlierStepsWhenLaterKnownInputChanges() {
    TftWindow w = TestWindows.windows(config, 1, 4).get(0);
    double[][] known = copy(w.known());
    known[config.encoderLength() + 2][0] += 5.0;
    TftWindow changed = new TftWindow(w.observed(), known, w.staticCategoricals(), w.staticReals());

    double[][] a = model.predict(List.of(w)).get(0).values();
    double[][] b = model.predict(List.of(changed)).get(0).values();

    assertThat(b[0]).containsExactly(a[0]);
    assertThat(b[1]).containsExactly(a[1]);
    assertThat(b[2][1]).isNotEqualTo(a[2][1]);
  }

  @Test
  void shouldNotSeeFutureTargetsWhenTargetsAreFed() {
    List<TftWindow> windows = TestWindows.windows(config, 2, 5);
    EncodedBatch withFuture = model.encoder().encode(windows, TestWindows.futures(config, 2, 6));
    EncodedBatch otherFuture = model.encoder().encode(windows, TestWindows.futures(config, 2, 7));

    INDArray a = model.output(withFuture, TftGraph.PREDICTION).get(TftGraph.PREDICTION);
    INDArray b = model.output(otherFuture, TftGraph.PREDICTION).get(TftGraph.PREDICTION);
    Map<String, INDArray> loss = model.output(otherFuture, TftGraph.LOSS);

    assertThat(a).isEqualTo(b);
    assertThat(loss.get(TftGraph.LOSS).getDouble(0)).isPositive();
  }

  @Test
  void shouldReturnOriginalUnitsWhenTargetIsShiftedAndScaled() {
    TftWindow w = TestWindows.windows(config, 1, 8).get(0);
    double[][] observed = copy(w.observed());
    for (double[] row : observed) {
      row[0] = 1000 + 10 * row[0];
    }
    TftWindow scaled = new TftWindow(observed, w.known(), w.staticCategoricals(), w.staticReals());
    // per-window scaling: the network sees the same normalised history, only the static
    // location/scale inputs
    // differ, so the forecast must sit around the new level, not the old one
    double p50 = model.predict(List.of(scaled)).get(0).value(0, 0.5);
    assertThat(p50).isBetween(900.0, 1300.0);
  }

  @Test
  void shouldGiveTheSameScaledForecastAtEveryLevelWhenTargetScaleInputsAreOff() {
    TftConfig levelFree = config.toBuilder().targetScaleInputs(false).build();
    TftModel m = TftModel.create(levelFree, FeatureScaler.identity(levelFree));
    TftWindow w = TestWindows.windows(levelFree, 1, 8).get(0);
    double[][] observed = copy(w.observed());
    for (double[] row : observed) {
      row[0] = 1000 + 10 * row[0];
    }
    TftWindow shifted = new TftWindow(observed, w.known(), w.staticCategoricals(), w.staticReals());

    EncodedBatch both = m.encoder().encode(List.of(w, shifted));
    INDArray statics = both.feeds().get(TftGraph.STATIC_REAL);
    double[][] p =
        m.output(both, TftGraph.PREDICTION).get(TftGraph.PREDICTION).slice(0).toDoubleMatrix();
    double[][] q =
        m.output(both, TftGraph.PREDICTION).get(TftGraph.PREDICTION).slice(1).toDoubleMatrix();

    // the location and scale inputs are zeros, so both windows look identical after scaling
    int loc = levelFree.staticReals();
    assertThat(statics.getDouble(0, loc)).isZero();
    assertThat(statics.getDouble(1, loc)).isZero();
    assertThat(statics.getDouble(1, loc + 1)).isZero();
    for (int h = 0; h < p.length; h++) {
      assertThat(q[h]).containsExactly(p[h], within(1e-5));
    }
    // while with the inputs on, the level reaches the network
    EncodedBatch on = model.encoder().encode(List.of(w, shifted));
    assertThat(on.feeds().get(TftGraph.STATIC_REAL).getDouble(1, loc))
        .isNotEqualTo(on.feeds().get(TftGraph.STATIC_REAL).getDouble(0, loc));
  }

  @Test
  void shouldForecastWhenValuesAreMissingOrCategoryIsUnseen() {
    TftWindow w = TestWindows.windows(config, 1, 9).get(0);
    double[][] observed = copy(w.observed());
    observed[1][0] = Double.NaN;
    observed[3][1] = Double.NaN;
    TftWindow gappy =
        new TftWindow(observed, w.known(), new String[] {"never-seen-host"}, w.staticReals());

    Forecast f = model.predict(List.of(gappy)).get(0);

    for (double[] step : f.values()) {
      assertThat(java.util.Arrays.stream(step).allMatch(Double::isFinite)).isTrue();
    }
  }

  @Test
  void shouldRejectWindowWhenSizesDoNotMatchConfig() {
    TftWindow w = TestWindows.windows(config, 1, 10).get(0);
    TftWindow shortWindow =
        new TftWindow(new double[2][2], w.known(), w.staticCategoricals(), w.staticReals());

    assertThatThrownBy(() -> model.predict(List.of(shortWindow)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("observed rows = 2, expected 5");
  }

  @Test
  void shouldRejectConfigWhenHiddenIsNotMultipleOfHeads() {
    assertThatThrownBy(() -> TftConfig.builder().hiddenSize(30).attentionHeads(4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of attentionHeads");
  }

  @Test
  void shouldGiveIdenticalForecastsWhenRestoredFromParameterValues() {
    List<TftWindow> windows = TestWindows.windows(config, 4, 11);
    TftModel restored = TftModel.restore(config, model.scaler(), model.parameterValues());

    assertThat(restored.predict(windows).get(3).values())
        .isDeepEqualTo(model.predict(windows).get(3).values());
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
