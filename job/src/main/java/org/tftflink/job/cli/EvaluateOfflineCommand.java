package org.tftflink.job.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tftflink.job.cli.OfflineData.Split;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.EvaluationReport;
import org.tftflink.model.tft.eval.ForecastMetrics;
import org.tftflink.model.tft.eval.OfflineEvaluation;
import org.tftflink.model.tft.eval.OfflineSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tft evaluate-offline}: scores a saved TFT and the repeat-last and seasonal-naive
 * baselines on the same stride-1 test windows of a CSV (the ETT protocol, or the second half of any
 * other series), prints a table and optionally writes the figures as JSON.
 */
@Command(
    name = "evaluate-offline",
    sortOptions = false,
    description =
        "score a saved TFT and the naive baselines on the test windows of a CSV (ETT protocol or"
            + " half split)",
    customSynopsis = "./tft evaluate-offline --model model.tft --data FILE.csv [OPTIONS]",
    footer = {
      "",
      "MSE and MAE of P50 are on the z-scale of the training rows; q-risk (2*sum pinball / "
          + "sum |y|)",
      "in original units; coverage is the share of actuals inside the P10-P90 band."
    })
public final class EvaluateOfflineCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      description = "a model envelope (e.g. from ./tft train)")
  Path modelFile;

  @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "the series")
  Path csv;

  @Option(
      names = "--split",
      paramLabel = "ett|half",
      converter = OfflineData.SplitConverter.class,
      description =
          "ett: standard ETT test rows, every column z-scored with the training rows' "
              + "statistics of this file (as at training time); half: the second half of the "
              + "series (default: ett for files named ETT*, half otherwise)")
  Split split;

  @Option(
      names = "--target",
      paramLabel = "COLUMN",
      description = "the forecast column (default: OT for ETT, the first value column otherwise)")
  String target;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "also write the figures as JSON")
  Path json;

  @Option(
      names = "--horizon",
      paramLabel = "N",
      description = "expected horizon; must match the model's")
  Integer horizon;

  @Option(
      names = "--encoder",
      paramLabel = "N",
      description = "expected encoder length; must match the model's")
  Integer encoder;

  @Override
  public Integer call() throws Exception {
    ModelData envelope = load(modelFile);
    TftConfig config = envelope.config();
    checkLength("horizon", horizon, config.horizon(), modelFile);
    checkLength("encoder", encoder, config.encoderLength(), modelFile);
    Split split = this.split != null ? this.split : Split.of(csv);
    if (config.observedReals() != OfflineData.observedReals(split)) {
      throw new IllegalArgumentException(
          "the model in "
              + modelFile
              + " has "
              + config.observedReals()
              + " observed real(s), --split "
              + split.name().toLowerCase(Locale.ROOT)
              + " needs "
              + OfflineData.observedReals(split)
              + ": evaluate with the split it was trained with");
    }
    CsvSeries data = OfflineData.load(csv);
    String target = this.target != null ? this.target : OfflineData.defaultTarget(split, data);
    OfflineData.requireColumn(data, csv, target);
    OfflineSplit cut =
        OfflineData.prepare(split, csv, target, config, OfflineData.stepMillis(data));
    TftModel model = envelope.toModel();
    EvaluationReport report = OfflineEvaluation.evaluate(cut, model, null);
    System.out.println(table(report, split, target, config));
    if (json != null) {
      Files.writeString(json, json(report, split, target, config, envelope));
      System.out.println("tft evaluate-offline: wrote " + json);
    }
    return 0;
  }

  private static ModelData load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--model: no such file " + file);
    }
    try {
      return ModelDataSerializer.deserialize(Files.readAllBytes(file));
    } catch (InvalidModelDataException e) {
      throw new IllegalArgumentException(
          "--model: " + file + " is not a model envelope: " + e.getMessage(), e);
    }
  }

  private static void checkLength(String option, Integer v, int modelValue, Path modelFile) {
    if (v != null && v != modelValue) {
      throw new IllegalArgumentException(
          "--"
              + option
              + " "
              + v
              + " does not match the model in "
              + modelFile
              + ", whose "
              + option
              + " is "
              + modelValue
              + ": train a model with --"
              + option
              + " "
              + v);
    }
  }

  static String table(EvaluationReport r, Split split, String target, TftConfig config) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%s, split %s, target %s: %d test windows (encoder %d, horizon %d),"
                + " %d parameters%n",
            r.dataset(),
            split.name().toLowerCase(Locale.ROOT),
            target,
            r.testWindows(),
            config.encoderLength(),
            config.horizon(),
            r.parameters()));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-16s %9s %9s %11s %11s %12s%n",
            "method",
            "MSE(z)",
            "MAE(z)",
            "P50 q-risk",
            "P90 q-risk",
            "P10-P90 cov"));
    r.methods()
        .forEach(
            (name, m) ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "%-16s %9.4f %9.4f %11.4f %11.4f %12s%n",
                        name,
                        m.mse(),
                        m.mae(),
                        m.qRisk50(),
                        m.qRisk90(),
                        Double.isNaN(m.coverage())
                            ? "-"
                            : String.format(Locale.ROOT, "%.3f", m.coverage()))));
    return sb.toString().stripTrailing();
  }

  static String json(
      EvaluationReport r, Split split, String target, TftConfig config, ModelData envelope) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"dataset\": ").append(quote(r.dataset())).append(",\n");
    sb.append("  \"split\": ").append(quote(split.name().toLowerCase(Locale.ROOT))).append(",\n");
    sb.append("  \"target\": ").append(quote(target)).append(",\n");
    sb.append("  \"model_version\": ").append(envelope.modelVersion()).append(",\n");
    sb.append("  \"encoder\": ").append(config.encoderLength()).append(",\n");
    sb.append("  \"horizon\": ").append(config.horizon()).append(",\n");
    sb.append("  \"parameters\": ").append(r.parameters()).append(",\n");
    sb.append("  \"test_windows\": ").append(r.testWindows()).append(",\n");
    sb.append("  \"methods\": {");
    String sep = "\n";
    for (Map.Entry<String, ForecastMetrics> m : r.methods().entrySet()) {
      sb.append(sep).append("    ").append(quote(m.getKey())).append(": {");
      String inner = "";
      for (Map.Entry<String, Double> f : m.getValue().asMap().entrySet()) {
        sb.append(inner).append(quote(f.getKey())).append(": ").append(number(f.getValue()));
        inner = ", ";
      }
      sb.append('}');
      sep = ",\n";
    }
    return sb.append("\n  }\n}\n").toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** JSON has no NaN: a figure that does not apply (the baselines' coverage) is null. */
  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }
}
