package org.tftflink.model.online.tft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/** The TFT behind the learning core's interface, on the bundled demo model and NAB data. */
class TftModelOpsTest {
  private final byte[] envelope = NabFixture.envelope();
  private final TftModelOps ops = TftModelOps.fromEnvelope(envelope);
  private final TftWeights parent = ops.initial();
  private final TftConfig config = parent.config();
  // the series jumps by 0.5 (about 4 of its standard deviations) at row 2000
  private final List<TrainingSample> shiftedTrain =
      NabFixture.samples(config, 0.5, 2000, 1980, 2235);
  private final List<TrainingSample> shiftedTest =
      NabFixture.samples(config, 0.5, 2000, 2300, 2427);
  private final List<TrainingSample> anchors = NabFixture.samples(config, 0, 4000, 600, 663);

  private static UpdateSettings settings(long seed) {
    return new UpdateSettings(1e-3, 2, 64, 1.0, false, Set.of(), 0, 0.1, seed);
  }

  @Test
  void shouldReduceLossOnLevelShiftedNabSeriesWhenFineTuned() {
    double before = ops.loss(parent, shiftedTest);
    double trainBefore = ops.loss(parent, shiftedTrain);

    Candidate<TftWeights> c = ops.train(parent, shiftedTrain, anchors, settings(3));

    assertThat(c.aborted()).as(c.abortReason()).isFalse();
    assertThat(c.steps()).isEqualTo(8);
    assertThat(c.samples()).isEqualTo(256);
    assertThat(ops.loss(c.model(), shiftedTrain)).isLessThan(trainBefore);
    assertThat(ops.loss(c.model(), shiftedTest)).isLessThan(before);
    assertThat(c.model().optimizer().iteration()).isEqualTo(8);
  }

  @Test
  void shouldGiveIdenticalBytesWhenTheSeedIsTheSame() {
    List<TrainingSample> train = shiftedTrain.subList(0, 96);
    byte[] first = ops.encode(ops.train(parent, train, anchors, settings(5)).model());
    byte[] again = ops.encode(ops.train(parent, train, anchors, settings(5)).model());
    TftModelOps other = TftModelOps.fromEnvelope(envelope);
    byte[] elsewhere =
        other.encode(other.train(other.initial(), train, anchors, settings(5)).model());
    byte[] otherSeed = ops.encode(ops.train(parent, train, anchors, settings(6)).model());

    assertThat(again).isEqualTo(first);
    assertThat(elsewhere).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @Test
  void shouldLeaveTheParentUntouchedAndContinueItsMoments() {
    List<TftWindow> windows =
        shiftedTest.subList(0, 8).stream().map(TrainingSample::window).toList();
    double[][][] before = ops.predict(parent, windows);
    double lossBefore = ops.loss(parent, shiftedTest);

    TftWeights child =
        ops.train(parent, shiftedTrain.subList(0, 64), List.of(), settings(1)).model();
    TftWeights grandchild =
        ops.train(child, shiftedTrain.subList(64, 128), List.of(), settings(1)).model();

    assertThat(ops.predict(parent, windows)).isDeepEqualTo(before);
    assertThat(ops.loss(parent, shiftedTest)).isEqualTo(lossBefore);
    assertThat(parent.optimizer()).isNull();
    assertThat(child.optimizer().iteration()).isEqualTo(2);
    assertThat(grandchild.optimizer().iteration()).isEqualTo(4);
    assertThat(ops.predict(child, windows)).isNotEqualTo(before);
  }

  @Test
  void shouldPredictOriginalUnitsLikeTheEnvelopesModel() {
    List<TftWindow> windows =
        shiftedTest.subList(0, 5).stream().map(TrainingSample::window).toList();
    var model = ModelDataSerializer.deserialize(envelope).toModel();

    double[][][] p = ops.predict(parent, windows);

    assertThat(p).hasDimensions(5, 12);
    for (int i = 0; i < 5; i++) {
      assertThat(p[i]).isDeepEqualTo(model.predict(windows).get(i).values());
    }
    assertThat(ops.quantiles()).containsExactly(0.1, 0.5, 0.9);
  }

  @Test
  void shouldScoreServedForecastsLikeTheGraphsLoss() {
    List<TrainingSample> samples = new ArrayList<>(shiftedTest.subList(0, 40));
    double[] partly = samples.get(3).futureTarget().clone();
    partly[2] = Double.NaN; // a missing actual is left out, as in the graph
    samples.set(3, new TrainingSample(samples.get(3).window(), partly));
    List<double[][]> served =
        List.of(ops.predict(parent, samples.stream().map(TrainingSample::window).toList()));
    TftWeights other =
        ops.train(parent, shiftedTrain.subList(0, 64), List.of(), settings(4)).model();

    double fromForecasts = ops.forecastLoss(parent, samples, served);

    assertThat(fromForecasts).isCloseTo(ops.loss(parent, samples), within(1e-5));
    // the loss is that of the forecasts given, whichever version is named
    assertThat(ops.forecastLoss(other, samples, served)).isEqualTo(fromForecasts);
    assertThat(ops.loss(other, samples)).isNotCloseTo(fromForecasts, within(1e-5));
  }

  @Test
  void shouldRoundTripAVersionWithItsOptimizerState() {
    TftWeights c = ops.train(parent, shiftedTrain.subList(0, 64), List.of(), settings(2)).model();

    TftWeights back = ops.decode(ops.encode(c));

    assertThat(back).isEqualTo(c);
    assertThat(back.optimizer()).isEqualTo(c.optimizer()).isNotNull();
    assertThat(ops.decode(ops.encode(parent))).isEqualTo(parent);
  }

  @Test
  void shouldAbortWithTheParentWhenTheLossIsNotFinite() {
    List<TrainingSample> poisoned = new ArrayList<>(shiftedTrain.subList(0, 64));
    double[] huge = poisoned.get(3).futureTarget().clone();
    huge[5] = 1e300;
    poisoned.set(3, new TrainingSample(poisoned.get(3).window(), huge));
    double lossBefore = ops.loss(parent, shiftedTest);

    Candidate<TftWeights> c = ops.train(parent, poisoned, anchors, settings(1));

    assertThat(c.aborted()).isTrue();
    assertThat(c.abortReason()).contains("non-finite");
    assertThat(c.model()).isSameAs(parent);
    assertThat(ops.loss(parent, shiftedTest)).isEqualTo(lossBefore);
  }

  @Test
  void shouldAbortWhenATrainableBlockIsUnknown() {
    UpdateSettings bad = new UpdateSettings(1e-3, 1, 64, 1.0, false, Set.of("decodr"), 0, 0, 1);

    Candidate<TftWeights> c = ops.train(parent, shiftedTrain.subList(0, 8), List.of(), bad);

    assertThat(c.aborted()).isTrue();
    assertThat(c.abortReason()).contains("'decodr'");
  }

  @Test
  void shouldTrainOnlyTheChosenBlocks() {
    UpdateSettings partial =
        new UpdateSettings(1e-3, 1, 64, 1.0, false, Set.of("decoder", "output"), 1.0, 0, 1);

    TftWeights c = ops.train(parent, shiftedTrain.subList(0, 64), anchors, partial).model();

    assertThat(c.parameter("encoder_vsn/flat_grn/fc1/W"))
        .containsExactly(parent.parameter("encoder_vsn/flat_grn/fc1/W"));
    assertThat(c.parameter("lstm/encoder/layer0/W_h"))
        .containsExactly(parent.parameter("lstm/encoder/layer0/W_h"));
    assertThat(c.parameter("output/dense/W")).isNotEqualTo(parent.parameter("output/dense/W"));
  }
}
