package org.tftflink.job.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tftflink.model.online.eval.EvalSeries;
import org.tftflink.model.online.eval.EvaluationResult;
import org.tftflink.model.online.eval.Explainer;
import org.tftflink.model.online.eval.FrozenTraining;
import org.tftflink.model.online.eval.OnlineEvaluation;
import org.tftflink.model.online.eval.SummaryJson;
import org.tftflink.model.online.eval.TftExplainer;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.eval.OfflineEvaluation;
import org.tftflink.model.tft.eval.OfflineSplit;
import org.tftflink.model.tft.train.TrainingResult;

/**
 * What {@code ./tft evaluate} does between parsing and writing: the TFT's sizes, training the
 * frozen model once on the training rows of every series, and running the evaluation from it.
 */
final class EvaluateSetup {
  private static final long HOUR_MS = 3_600_000L;

  /** The evaluation, its summary as a map and as JSON. */
  record Outcome(EvaluationResult<?> result, Map<String, Object> summary, String json) {}

  private EvaluateSetup() {}

  static long step(Path csv, String target) {
    return OfflineData.stepMillis(OfflineData.load(csv));
  }

  /**
   * The bundled demo model's size for NAB-style data (hidden 8, encoder 48, one hour ahead, the
   * host as a static categorical), the README's ETTh1 configuration for ETT; flags override.
   */
  static TftConfig modelConfig(
      EvaluateCommand options, boolean ett, long stepMs, int hosts, long seed) {
    int hidden = options.hidden != null ? options.hidden : ett ? 32 : 8;
    int heads = ett ? (hidden % 4 == 0 ? 4 : hidden % 2 == 0 ? 2 : 1) : (hidden % 2 == 0 ? 2 : 1);
    int horizon =
        options.horizon != null
            ? options.horizon
            : ett || stepMs >= HOUR_MS ? 24 : (int) Math.max(1, HOUR_MS / stepMs);
    TftConfig.Builder b =
        TftConfig.builder()
            .hiddenSize(hidden)
            .attentionHeads(heads)
            .hiddenContinuousSize(Math.max(2, hidden / 2))
            .encoderLength(options.encoder != null ? options.encoder : ett ? 168 : 48)
            .horizon(horizon)
            .knownReals(2)
            .dropout(0.1)
            .seed(seed)
            .dataType("FLOAT");
    if (ett) {
      // the README's ETTh1 line: its level-shifted test period favours no target-scale inputs
      return b.observedReals(7)
          .missingIndicators(false)
          .staticCategoricals(0)
          .targetScaleInputs(false)
          .learningRate(3e-3)
          .plateauDecay(0.5)
          .batchSize(64)
          .maxEpochs(options.epochs != null ? options.epochs : 12)
          .build();
    }
    return b.observedReals(1)
        .staticCategoricals(1)
        .hashBuckets(64)
        .learningRate(3e-3)
        .batchSize(64)
        .maxEpochs(options.epochs != null ? options.epochs : 30)
        .earlyStoppingPatience(4)
        .build();
  }

  /** Trains the frozen model once, then evaluates every strategy from it. */
  static Outcome run(
      List<EvalSeries> series,
      TftConfig config,
      boolean ett,
      OnlineEvaluation.Settings settings,
      double trainMinutes,
      Map<String, Object> run,
      Consumer<String> progress) {
    progress.accept(
        String.format(
            "tft evaluate: training the frozen TFT (hidden %d, encoder %d, horizon %d) on %d series",
            config.hiddenSize(), config.encoderLength(), config.horizon(), series.size()));
    long t0 = System.nanoTime();
    List<OfflineSplit> splits = FrozenTraining.splits(series, config, ett);
    // the trained model keeps its Adam moments: the learners' first update continues from them,
    // as an update of a published model would
    OfflineEvaluation.Trained trained =
        OfflineEvaluation.train(
            splits,
            config,
            Duration.ofMillis((long) (trainMinutes * 60_000)),
            line -> progress.accept("  " + line));
    TftModel frozen = trained.model();
    TrainingResult t = trained.training();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("hidden", config.hiddenSize());
    model.put("attention_heads", config.attentionHeads());
    model.put("encoder", config.encoderLength());
    model.put("horizon", config.horizon());
    model.put("parameters", frozen.parameterCount());
    model.put("training_windows", splits.stream().mapToInt(x -> x.train().size()).sum());
    model.put("best_epoch", t.bestEpoch());
    model.put("validation_loss", t.bestValidationLoss());
    model.put("training_seconds", (System.nanoTime() - t0) / 1e9);
    run.put("frozen_model", model);
    run.put("online_config", settings.online().asProperties());
    TftWeights initial = TftWeights.of(frozen, trained.optimizer());
    TftBinding<TftWeights> binding =
        new TftBinding<>(new TftModelOps(initial), initial, new TftExplainer());
    return evaluate(series, config, binding, settings, run, progress);
  }

  private static <M> Outcome evaluate(
      List<EvalSeries> series,
      TftConfig config,
      TftBinding<M> binding,
      OnlineEvaluation.Settings settings,
      Map<String, Object> run,
      Consumer<String> progress) {
    long t0 = System.nanoTime();
    EvaluationResult<M> r =
        new OnlineEvaluation<>(config, binding.ops(), binding.explainer(), settings, progress)
            .run(series, binding.initial());
    run.put("evaluation_seconds", (System.nanoTime() - t0) / 1e9);
    Map<String, Object> summary = SummaryJson.of(r, run);
    return new Outcome(r, summary, SummaryJson.write(summary));
  }

  /** The TFT behind the learning core: its ModelOps, the frozen model as a value, its explainer. */
  record TftBinding<M>(ModelOps<M> ops, M initial, Explainer<M> explainer) {}
}
