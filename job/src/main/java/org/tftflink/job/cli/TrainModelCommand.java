package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.serving.NabTraining;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.train.TftTrainer;
import org.tftflink.model.tft.train.TrainingResult;
import org.tftflink.operators.serving.ModelFit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./tft train-model}: trains a small TFT on the first part of the bundled NAB series, cut as
 * the job cuts windows, and saves its envelope; this is how the demo's bundled model was made.
 */
@Command(
    name = "train-model",
    sortOptions = false,
    description = "train a small TFT on the bundled NAB data and save it as a .tft envelope",
    customSynopsis = "./tft train-model --out FILE [OPTIONS]")
public final class TrainModelCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "the envelope")
  Path out;

  @Option(
      names = "--seconds",
      paramLabel = "N",
      defaultValue = "30",
      description = "training time budget (default: ${DEFAULT-VALUE})")
  long seconds;

  @Option(
      names = "--hidden",
      paramLabel = "N",
      defaultValue = "8",
      description = "hidden size (default: ${DEFAULT-VALUE})")
  int hidden;

  @Option(
      names = "--encoder",
      paramLabel = "N",
      defaultValue = "48",
      description = "encoder length in steps (default: ${DEFAULT-VALUE})")
  int encoder;

  @Option(
      names = "--train-share",
      paramLabel = "F",
      defaultValue = "0.6",
      description = "share of each host's steps used for training (default: ${DEFAULT-VALUE})")
  double trainShare;

  @Option(
      names = "--version",
      paramLabel = "N",
      defaultValue = "1",
      description = "model version in the envelope (default: ${DEFAULT-VALUE})")
  long version;

  @Option(
      names = "--epoch",
      paramLabel = "N",
      defaultValue = "1",
      description = "epoch in the envelope (default: ${DEFAULT-VALUE})")
  long epoch;

  @Mixin JobOptions job = new JobOptions();

  @Override
  public Integer call() throws Exception {
    // the job options it reads: forecast.horizon, forecast.quantiles, grid.step, grid.max_gap_steps
    Settings s = job.settings(Settings.defaults());
    TftConfig config =
        TftConfig.builder()
            .hiddenSize(hidden)
            .attentionHeads(hidden % 2 == 0 ? 2 : 1)
            .hiddenContinuousSize(Math.max(2, hidden / 2))
            .encoderLength(encoder)
            .horizon(s.get(Options.HORIZON))
            .quantiles(s.get(Options.QUANTILES))
            .observedReals(1)
            .knownReals(2)
            .staticCategoricals(1)
            .hashBuckets(64)
            .staticReals(0)
            .dropout(0.1)
            .learningRate(3e-3)
            .batchSize(64)
            .maxEpochs(50)
            .earlyStoppingPatience(4)
            .dataType("FLOAT")
            .seed(42)
            .build();
    long step = s.get(Options.STEP).toMillis();
    double share = trainShare;
    NabTraining nab = new NabTraining(config, step, s.get(Options.MAX_GAP_STEPS));
    List<TrainingSample> all = nab.samples(share);
    // the last fifth of each host's windows would be fairer; the last fifth overall is simpler and
    // still unseen in training (hosts are in file order)
    int cut = (int) (all.size() * 0.8);
    List<TrainingSample> train = all.subList(0, cut);
    List<TrainingSample> validation = all.subList(cut, all.size());
    System.out.printf(
        "tft train-model: %d training and %d validation windows (encoder %d, horizon %d)%n",
        train.size(), validation.size(), config.encoderLength(), config.horizon());
    TftModel model =
        TftModel.create(
            config, FeatureScaler.fit(config, train.stream().map(TrainingSample::window).toList()));
    TftTrainer trainer = new TftTrainer(model);
    TrainingResult result =
        trainer.fit(
            train,
            validation,
            Duration.ofSeconds(seconds),
            line -> System.out.println("  " + line));
    Map<String, Double> trainingFigures = new LinkedHashMap<>();
    trainingFigures.put(ModelFit.STEP_MILLIS_FIGURE, (double) step);
    trainingFigures.put("trainSamples", (double) train.size());
    trainingFigures.put("bestEpoch", (double) result.bestEpoch());
    ModelData data =
        ModelData.of(
                model,
                version,
                epoch,
                ModelData.NONE,
                ModelData.NONE,
                System.currentTimeMillis(),
                trainingFigures,
                Map.of("loss", result.bestValidationLoss()))
            // the Adam moments, so that the first online update continues the optimizer
            .withOptimizer(trainer.optimizerState());
    byte[] envelope = ModelDataSerializer.serialize(data);
    List<TrainingSample> test = nab.samples(share, 1.0);
    double[] mae = heldOutMae(model, test);
    System.out.printf(
        "tft train-model: held-out windows after the training part: %d; MAE of P50 %.3f, repeat-last"
            + " %.3f%n",
        test.size(), mae[0], mae[1]);
    Files.write(out, envelope);
    System.out.printf(
        "tft train-model: best validation loss %.4f (epoch %d); %d parameters; wrote %s (%d bytes)%n",
        result.bestValidationLoss(),
        result.bestEpoch(),
        model.parameterCount(),
        out,
        envelope.length);
    return 0;
  }

  /** Mean absolute error of the model's median and of repeating the last observed value. */
  private static double[] heldOutMae(TftModel model, List<TrainingSample> samples) {
    var forecasts = model.predict(samples.stream().map(TrainingSample::window).toList());
    int median = model.config().medianIndex();
    double tft = 0;
    double last = 0;
    long n = 0;
    for (int i = 0; i < samples.size(); i++) {
      double[] history = samples.get(i).window().targetHistory();
      double lastSeen = Double.NaN;
      for (double v : history) {
        lastSeen = Double.isNaN(v) ? lastSeen : v;
      }
      double[] future = samples.get(i).futureTarget();
      for (int h = 0; h < future.length; h++) {
        if (!Double.isNaN(future[h]) && !Double.isNaN(lastSeen)) {
          tft += Math.abs(forecasts.get(i).values()[h][median] - future[h]);
          last += Math.abs(lastSeen - future[h]);
          n++;
        }
      }
    }
    return new double[] {tft / n, last / n};
  }
}
