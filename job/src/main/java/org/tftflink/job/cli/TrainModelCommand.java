package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * {@code ./tft train-model}: trains a small TFT on the first part of the bundled NAB series, cut as
 * the job cuts windows, and saves its envelope; this is how the demo's bundled model was made.
 */
public final class TrainModelCommand implements Command {

  @Override
  public String name() {
    return "train-model";
  }

  @Override
  public String summary() {
    return "train a small TFT on the bundled NAB data and save it as a .tft envelope";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft train-model --out FILE [options]",
        "  --seconds N     training time budget (default 30)",
        "  --hidden N      hidden size (default 8)",
        "  --encoder N     encoder length in steps (default 48)",
        "  --train-share F share of each host's steps used for training (default 0.6)",
        "  --version N     model version in the envelope (default 1)",
        "  --epoch N       epoch in the envelope (default 1)",
        "  --set key=value job options: forecast.horizon, forecast.quantiles, grid.step, grid.max_gap_steps");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            Set.of("out", "seconds", "hidden", "encoder", "train-share", "version", "epoch"),
            Set.of());
    Settings s = args.settings(Settings.defaults());
    Path out = args.path("out");
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    int hidden = (int) args.number("hidden", 8);
    TftConfig config =
        TftConfig.builder()
            .hiddenSize(hidden)
            .attentionHeads(hidden % 2 == 0 ? 2 : 1)
            .hiddenContinuousSize(Math.max(2, hidden / 2))
            .encoderLength((int) args.number("encoder", 48))
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
    double share = args.number("train-share", 0.6);
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
            Duration.ofSeconds((long) args.number("seconds", 30)),
            line -> System.out.println("  " + line));
    Map<String, Double> trainingFigures = new LinkedHashMap<>();
    trainingFigures.put(ModelFit.STEP_MILLIS_FIGURE, (double) step);
    trainingFigures.put("trainSamples", (double) train.size());
    trainingFigures.put("bestEpoch", (double) result.bestEpoch());
    ModelData data =
        ModelData.of(
                model,
                (long) args.number("version", 1),
                (long) args.number("epoch", 1),
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
