package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tftflink.job.cli.OfflineData.Split;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.OfflineEvaluation;
import org.tftflink.model.tft.eval.OfflineSplit;
import org.tftflink.model.tft.train.EpochReport;
import org.tftflink.operators.serving.ModelFit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tft train}: trains a TFT offline on the training rows of one or more CSVs (ETT or NAB
 * layout), early stopping on their validation rows, and writes the envelope (version 1, epoch 0)
 * with its loss figures.
 */
@Command(
    name = "train",
    sortOptions = false,
    description =
        "train a TFT offline on CSV files (ETT or NAB layout) and save it as a .tft envelope",
    customSynopsis =
        "./tft train --data FILE.csv[,FILE2.csv] --target COLUMN --out model.tft [OPTIONS]")
public final class TrainCommand implements Callable<Integer> {

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE.csv[,FILE2.csv]",
      description = "the series to train on (ETT or NAB layout); several files train one model")
  String csvs;

  @Option(
      names = "--target",
      required = true,
      paramLabel = "COLUMN",
      description = "the column to forecast (OT for ETT, value for NAB)")
  String target;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "the envelope")
  Path out;

  @Option(
      names = "--split",
      paramLabel = "ett|half",
      converter = OfflineData.SplitConverter.class,
      description =
          "ett: standard ETT split, target + six loads observed, train-row z-scaling; half: "
              + "first half of each series trains, its last fifth validates (default: ett for "
              + "files named ETT*, half otherwise)")
  Split split;

  @Option(
      names = "--horizon",
      paramLabel = "N",
      description = "forecast steps (default: 24 for ETT and hourly data, one hour of finer data)")
  Integer horizon;

  @Option(
      names = "--encoder",
      paramLabel = "N",
      description = "history steps (default: 168 for ETT and hourly data, one day of finer data)")
  Integer encoder;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "12",
      description =
          "maximum epochs (default: ${DEFAULT-VALUE}; early stopping after 3 without improvement)")
  int epochs;

  @Option(
      names = "--minutes",
      paramLabel = "M",
      defaultValue = "20",
      description =
          "training time budget in minutes, fractions allowed (default: ${DEFAULT-VALUE})")
  double minutes;

  @Option(
      names = "--lr",
      paramLabel = "X",
      defaultValue = "0.003",
      description = "Adam learning rate (default: ${DEFAULT-VALUE})")
  double lr;

  @Option(
      names = "--plateau-decay",
      paramLabel = "F",
      defaultValue = "0.5",
      description =
          "after an epoch without improvement, go back to the best weights and multiply the "
              + "learning rate by F (default: ${DEFAULT-VALUE}; 1 turns it off)")
  double plateauDecay;

  @Option(
      names = "--target-scales",
      paramLabel = "true|false",
      arity = "1",
      description =
          "feed each window's target level and scale to the static covariates (default: "
              + "false for --split ett, whose test level is shifted, true otherwise)")
  Boolean targetScales;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description = "seed of initialisation, shuffling and dropout (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--hidden",
      paramLabel = "N",
      defaultValue = "32",
      description = "hidden size (default: ${DEFAULT-VALUE})")
  int hidden;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "64",
      description = "batch size (default: ${DEFAULT-VALUE})")
  int batch;

  @Override
  public Integer call() throws Exception {
    List<Path> files = files(csvs);
    Split split = split(files.get(0));
    List<CsvSeries> data = new ArrayList<>();
    for (Path f : files) {
      CsvSeries d = OfflineData.load(f);
      OfflineData.requireColumn(d, f, target);
      data.add(d);
    }
    long step = OfflineData.stepMillis(data.get(0));
    TftConfig config = config(split, step);
    List<OfflineSplit> splits = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      OfflineSplit s =
          OfflineData.prepare(
              split, files.get(i), target, config, OfflineData.stepMillis(data.get(i)));
      System.out.println("tft train: " + s.describe());
      splits.add(s);
    }
    System.out.printf(
        "tft train: split %s, target %s, encoder %d, horizon %d, hidden %d, max %d epochs%n",
        split.name().toLowerCase(java.util.Locale.ROOT),
        target,
        config.encoderLength(),
        config.horizon(),
        config.hiddenSize(),
        config.maxEpochs());
    Duration budget = Duration.ofMillis((long) (minutes * 60_000));
    OfflineEvaluation.Trained t =
        OfflineEvaluation.train(splits, config, budget, line -> System.out.println("  " + line));
    byte[] envelope = ModelDataSerializer.serialize(envelope(t, step, splits));
    Files.write(out, envelope);
    System.out.printf(
        "tft train: best epoch %d, validation loss %.5f, %d parameters, %d s; wrote %s (%d bytes)%n",
        t.training().bestEpoch(),
        t.training().bestValidationLoss(),
        t.model().parameterCount(),
        t.training().elapsedMs() / 1000,
        out,
        envelope.length);
    return 0;
  }

  private static List<Path> files(String data) {
    if (data == null || data.isBlank()) {
      throw new IllegalArgumentException("--data FILE.csv[,FILE2.csv] is required");
    }
    List<Path> files = new ArrayList<>();
    for (String f : data.split(",")) {
      if (!f.isBlank()) {
        files.add(Path.of(f.trim()));
      }
    }
    return files;
  }

  /** The split given, or the one the first file's name implies. */
  Split split(Path firstFile) {
    return split != null ? split : Split.of(firstFile);
  }

  /** The model's configuration from the options, for data with rows {@code step} ms apart. */
  TftConfig config(Split split, long step) {
    int heads = hidden % 4 == 0 ? 4 : hidden % 2 == 0 ? 2 : 1;
    return TftConfig.reference().toBuilder()
        .hiddenSize(hidden)
        .attentionHeads(heads)
        .hiddenContinuousSize(Math.max(1, hidden / 2))
        .encoderLength(encoder != null ? encoder : OfflineData.defaultEncoder(split, step))
        .horizon(horizon != null ? horizon : OfflineData.defaultHorizon(split, step))
        .observedReals(OfflineData.observedReals(split))
        .knownReals(2)
        // ETT has no missing values: its indicators would be constant inputs that only cost time
        .missingIndicators(split != Split.ETT)
        .maxEpochs(epochs)
        .learningRate(lr)
        .plateauDecay(plateauDecay)
        .targetScaleInputs(targetScales != null ? targetScales : split != Split.ETT)
        .seed(seed)
        .batchSize(batch)
        .build();
  }

  /**
   * Version 1, epoch 0 (no online update yet), the best epoch's training and validation losses, and
   * the Adam moments, so that the first online update continues the optimizer.
   */
  private static ModelData envelope(
      OfflineEvaluation.Trained t, long step, List<OfflineSplit> splits) {
    Map<String, Double> training = new LinkedHashMap<>();
    EpochReport best =
        t.training().epochs().stream()
            .filter(r -> r.epoch() == t.training().bestEpoch())
            .findFirst()
            .orElse(t.training().epochs().get(t.training().epochs().size() - 1));
    training.put("loss", best.trainLoss());
    training.put("bestEpoch", (double) t.training().bestEpoch());
    training.put("epochs", (double) t.training().epochs().size());
    training.put("trainSamples", (double) splits.stream().mapToInt(s -> s.train().size()).sum());
    training.put("elapsedMs", (double) t.training().elapsedMs());
    training.put(ModelFit.STEP_MILLIS_FIGURE, (double) step);
    Map<String, Double> validation = new LinkedHashMap<>();
    validation.put("loss", t.training().bestValidationLoss());
    validation.put("windows", (double) splits.stream().mapToInt(s -> s.validation().size()).sum());
    return ModelData.of(
            t.model(),
            1,
            0,
            ModelData.NONE,
            ModelData.NONE,
            System.currentTimeMillis(),
            training,
            validation)
        .withOptimizer(t.optimizer());
  }
}
