package org.tftflink.model.tft.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;

/** Training reduces the loss on a learnable series, deterministically, and keeps the best epoch. */
class TftTrainerTest {
  private final TftConfig config =
      TftConfig.builder()
          .hiddenSize(8)
          .attentionHeads(2)
          .hiddenContinuousSize(4)
          .encoderLength(12)
          .horizon(4)
          .observedReals(1)
          .knownReals(1)
          .missingIndicators(false)
          .batchSize(16)
          .maxEpochs(3)
          .earlyStoppingPatience(2)
          .learningRate(1e-2)
          .gradientClipNorm(1.0)
          .seed(3)
          .build();

  private List<TrainingSample> sineSamples(int n, long seed) {
    Random r = new Random(seed);
    List<TrainingSample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int start = r.nextInt(1000);
      double level = 50 + 20 * r.nextGaussian();
      double[][] observed = new double[config.encoderLength()][1];
      double[][] known = new double[config.totalLength()][1];
      double[] future = new double[config.horizon()];
      for (int t = 0; t < config.totalLength(); t++) {
        double phase = (start + t) % 8;
        double y = level + 5 * Math.sin(2 * Math.PI * phase / 8) + 0.2 * r.nextGaussian();
        known[t][0] = phase;
        if (t < config.encoderLength()) {
          observed[t][0] = y;
        } else {
          future[t - config.encoderLength()] = y;
        }
      }
      out.add(
          new TrainingSample(new TftWindow(observed, known, new String[0], new double[0]), future));
    }
    return out;
  }

  private TftModel newModel(List<TrainingSample> train) {
    return TftModel.create(
        config, FeatureScaler.fit(config, train.stream().map(TrainingSample::window).toList()));
  }

  @Test
  void shouldTakeTheSameStepWhenGradientsAccumulateOverPasses() {
    TftConfig noDropout = config.toBuilder().dropout(0).dataType("DOUBLE").build();
    List<TrainingSample> batch = sineSamples(16, 4);
    // the last samples miss some actuals, so that the passes weigh differently
    for (int i = 12; i < 16; i++) {
      batch.get(i).futureTarget()[i % 4] = Double.NaN;
      batch.get(i).futureTarget()[(i + 1) % 4] = Double.NaN;
    }
    FeatureScaler scaler =
        FeatureScaler.fit(noDropout, batch.stream().map(TrainingSample::window).toList());
    TftModel whole = TftModel.create(noDropout, scaler);
    TftModel accumulated = TftModel.create(noDropout, scaler);

    double wholeLoss = new TftTrainer(whole, 1e-2, 16).step(batch);
    double accumulatedLoss = new TftTrainer(accumulated, 1e-2, 6).step(batch);

    assertThat(accumulatedLoss).isCloseTo(wholeLoss, org.assertj.core.data.Offset.offset(1e-9));
    whole
        .parameterValues()
        .forEach(
            (name, values) ->
                assertThat(accumulated.parameterValues().get(name))
                    .as(name)
                    .containsExactly(values, org.assertj.core.data.Offset.offset(1e-9)));
  }

  @Test
  void shouldReduceValidationLossWhenTrainingOnSeasonalSeries() {
    List<TrainingSample> train = sineSamples(160, 1);
    List<TrainingSample> validation = sineSamples(48, 2);
    TftModel model = newModel(train);
    TftTrainer trainer = new TftTrainer(model);
    double before = trainer.loss(validation);
    List<String> lines = new ArrayList<>();

    TrainingResult result = trainer.fit(train, validation, Duration.ofMinutes(2), lines::add);

    assertThat(result.bestValidationLoss()).isLessThan(before * 0.7);
    assertThat(trainer.loss(validation)).isEqualTo(result.bestValidationLoss());
    assertThat(lines)
        .hasSize(result.epochs().size())
        .allMatch(l -> l.contains("samples/s") && l.contains("ETA"));
  }

  @Test
  void shouldProduceIdenticalWeightsWhenSeedIsFixed() {
    List<TrainingSample> train = sineSamples(32, 3);
    TftModel a = newModel(train);
    TftModel b = newModel(train);
    TftTrainer ta = new TftTrainer(a);
    TftTrainer tb = new TftTrainer(b);
    ta.step(train.subList(0, 16));
    double la = ta.step(train.subList(16, 32));
    tb.step(train.subList(0, 16));
    double lb = tb.step(train.subList(16, 32));

    assertThat(la).isEqualTo(lb);
    assertThat(a.parameterValues().get("output/dense/W"))
        .containsExactly(b.parameterValues().get("output/dense/W"));
  }

  @Test
  void shouldTrainWhenBatchSizeChangesBetweenSteps() {
    List<TrainingSample> train = sineSamples(21, 4);
    TftTrainer trainer = new TftTrainer(newModel(train));

    double a = trainer.step(train.subList(0, 16));
    double b = trainer.step(train.subList(16, 17));
    double c = trainer.step(train.subList(17, 21));

    assertThat(Double.isFinite(a + b + c)).isTrue();
  }

  @Test
  void shouldLeaveLossUnchangedWhenSmallBatchIsPadded() {
    TftConfig noDropout = config.toBuilder().dropout(0).build();
    List<TrainingSample> train = sineSamples(5, 5);
    TftModel model =
        TftModel.create(
            noDropout,
            FeatureScaler.fit(noDropout, train.stream().map(TrainingSample::window).toList()));
    TftTrainer trainer = new TftTrainer(model);

    double expected = trainer.loss(train);

    assertThat(trainer.step(train))
        .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-5));
  }
}
