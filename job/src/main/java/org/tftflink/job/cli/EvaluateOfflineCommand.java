package org.tftflink.job.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

/**
 * {@code ./tft evaluate-offline}: scores a saved TFT and the repeat-last and seasonal-naive
 * baselines on the same stride-1 test windows of a CSV (the ETT protocol, or the second half of any
 * other series), prints a table and optionally writes the figures as JSON.
 */
public final class EvaluateOfflineCommand implements Command {

  @Override
  public String name() {
    return "evaluate-offline";
  }

  @Override
  public String summary() {
    return "score a saved TFT and the naive baselines on the test windows of a CSV (ETT protocol or half split)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft evaluate-offline --model model.tft --data FILE.csv [options]",
        "  --split ett|half     ett: standard ETT test rows, every column z-scored with the training rows'",
        "                       statistics of this file (as at training time); half: the second half of the",
        "                       series (default: ett for files named ETT*, half otherwise)",
        "  --target COLUMN      the forecast column (default OT for ETT, the first value column otherwise)",
        "  --summary-json FILE  also write the figures as JSON",
        "  --horizon N          expected horizon; must match the model's",
        "  --encoder N          expected encoder length; must match the model's",
        "MSE and MAE of P50 are on the z-scale of the training rows; q-risk (2*sum pinball / sum |y|) in original",
        "units; coverage is the share of actuals inside the P10-P90 band.");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            Set.of("model", "data", "split", "summary-json", "horizon", "encoder", "target"),
            Set.of());
    Path modelFile = args.path("model");
    if (modelFile == null) {
      throw new IllegalArgumentException("--model FILE is required");
    }
    Path csv = args.path("data");
    if (csv == null) {
      throw new IllegalArgumentException("--data FILE.csv is required");
    }
    ModelData envelope = load(modelFile);
    TftConfig config = envelope.config();
    checkLength("horizon", args, config.horizon(), modelFile);
    checkLength("encoder", args, config.encoderLength(), modelFile);
    Split split = Split.parse(args.get("split", null), csv);
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
    String target = args.get("target", OfflineData.defaultTarget(split, data));
    OfflineData.requireColumn(data, csv, target);
    OfflineSplit cut =
        OfflineData.prepare(split, csv, target, config, OfflineData.stepMillis(data));
    TftModel model = envelope.toModel();
    EvaluationReport report = OfflineEvaluation.evaluate(cut, model, null);
    System.out.println(table(report, split, target, config));
    Path json = args.path("summary-json");
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

  private static void checkLength(String option, Args args, int modelValue, Path modelFile) {
    String v = args.get(option, null);
    if (v != null && (int) args.number(option, modelValue) != modelValue) {
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
