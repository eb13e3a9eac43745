package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tftflink.job.cli.OfflineData.Split;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.OfflineEvaluation;
import org.tftflink.model.tft.eval.OfflineSplit;
import org.tftflink.model.tft.train.EpochReport;
import org.tftflink.operators.serving.ModelFit;

/**
 * {@code ./tft train}: trains a TFT offline on the training rows of one or more CSVs (ETT or NAB
 * layout), early stopping on their validation rows, and writes the envelope (version 1, epoch 0)
 * with its loss figures.
 */
public final class TrainCommand implements Command {

  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "train a TFT offline on CSV files (ETT or NAB layout) and save it as a .tft envelope";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft train --data FILE.csv[,FILE2.csv] --target COLUMN --out model.tft [options]",
        "  --split ett|half  ett: standard ETT split, target + six loads observed, train-row z-scaling;",
        "                    half: first half of each series trains, its last fifth validates",
        "                    (default: ett for files named ETT*, half otherwise)",
        "  --horizon N       forecast steps (default 24 for ETT and hourly data, one hour of finer data)",
        "  --encoder N       history steps (default 168 for ETT and hourly data, one day of finer data)",
        "  --epochs N        maximum epochs (default 12; early stopping after 3 without improvement)",
        "  --minutes M       training time budget in minutes, fractions allowed (default 20)",
        "  --lr X            Adam learning rate (default 0.003)",
        "  --plateau-decay F after an epoch without improvement, go back to the best weights and",
        "                    multiply the learning rate by F (default 0.5; 1 turns it off)",
        "  --target-scales B feed each window's target level and scale to the static covariates",
        "                    (default false for --split ett, whose test level is shifted, true otherwise)",
        "  --seed S          seed of initialisation, shuffling and dropout (default 42)",
        "  --hidden N        hidden size (default 32)",
        "  --batch N         batch size (default 64)");
  }

  /** The options that take a value (all of them: train has no flag). */
  static final Set<String> VALUED =
      Set.of(
          "data",
          "target",
          "out",
          "split",
          "horizon",
          "encoder",
          "epochs",
          "minutes",
          "lr",
          "seed",
          "hidden",
          "batch",
          "plateau-decay",
          "target-scales");

  @Override
  public int run(List<String> argv) throws Exception {
    Args args = Args.parse(argv, VALUED, Set.of());
    List<Path> files = files(args.get("data", null));
    String target = args.get("target", null);
    if (target == null) {
      throw new IllegalArgumentException("--target COLUMN is required (OT for ETT, value for NAB)");
    }
    Path out = args.path("out");
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    Split split = Split.parse(args.get("split", null), files.get(0));
    List<CsvSeries> data = new ArrayList<>();
    for (Path f : files) {
      CsvSeries d = OfflineData.load(f);
      OfflineData.requireColumn(d, f, target);
      data.add(d);
    }
    long step = OfflineData.stepMillis(data.get(0));
    TftConfig config = config(args, split, step);
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
    Duration budget = Duration.ofMillis((long) (args.number("minutes", 20) * 60_000));
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

  static TftConfig config(Args args, Split split, long step) {
    int hidden = (int) args.number("hidden", 32);
    int heads = hidden % 4 == 0 ? 4 : hidden % 2 == 0 ? 2 : 1;
    return TftConfig.reference().toBuilder()
        .hiddenSize(hidden)
        .attentionHeads(heads)
        .hiddenContinuousSize(Math.max(1, hidden / 2))
        .encoderLength((int) args.number("encoder", OfflineData.defaultEncoder(split, step)))
        .horizon((int) args.number("horizon", OfflineData.defaultHorizon(split, step)))
        .observedReals(OfflineData.observedReals(split))
        .knownReals(2)
        // ETT has no missing values: its indicators would be constant inputs that only cost time
        .missingIndicators(split != Split.ETT)
        .maxEpochs((int) args.number("epochs", 12))
        .learningRate(args.number("lr", 3e-3))
        .plateauDecay(args.number("plateau-decay", 0.5))
        .targetScaleInputs(args.bool("target-scales", split != Split.ETT))
        .seed((long) args.number("seed", 42))
        .batchSize((int) args.number("batch", 64))
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
