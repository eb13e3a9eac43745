package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tftflink.job.report.HtmlReport;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.online.eval.AlertRule;
import org.tftflink.model.online.eval.EvalData;
import org.tftflink.model.online.eval.EvalSeries;
import org.tftflink.model.online.eval.NabLabels;
import org.tftflink.model.online.eval.OnlineEvaluation;

/**
 * {@code ./tft evaluate}: the prequential evaluation of the online-learning strategies (DESIGN
 * section 4) on CSV files, several files being several hosts of one run; writes summary.json and
 * report.html with its plots.
 */
public final class EvaluateCommand implements Command {
  static final String DEFAULT_ALERT_RULE = "3/4";

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String summary() {
    return "prequential evaluation of the online-learning strategies on CSVs: summary.json + report.html";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft evaluate --data FILE.csv[,FILE2.csv] --target COLUMN --out DIR [options]",
        "  --strategies LIST   frozen and/or "
            + strategyKeys()
            + " (default frozen,sliding_window)",
        "  --preset NAME       online-learning preset: conservative (default) or aggressive",
        "  --config FILE       online-learning keys (properties or YAML) over the preset",
        "  --online K=V,K=V    online-learning keys over the file (e.g. online_epochs=2)",
        "  --split ett|nab     ett: standard ETT split (training rows train, the learners run from",
        "                      the validation rows, the test rows are scored, MSE/MAE on the z-scale);",
        "                      nab: the first --train-share of each file trains (default: ett for ETT*)",
        "  --train-share F     share of the rows that train the frozen model (default 0.3)",
        "  --drift-at TS[,TS]  drift markers, 'yyyy-MM-dd HH:mm:ss' UTC (default: the starts of NAB's",
        "                      labelled windows, read from labels/combined_windows.json beside nab/)",
        "  --labels FILE       NAB labelled windows (default: found beside the NAB folder)",
        "  --alert-rule K/M    alert when K of the last M actuals leave the P10-P90 band (default "
            + DEFAULT_ALERT_RULE
            + ")",
        "  --seed N            seed of the frozen model's training and of the learners (default 42)",
        "  --hidden N          TFT hidden size (default 8 as the bundled demo model; 32 for ETT)",
        "  --encoder N         history steps (default 48; 168 for ETT)",
        "  --horizon N         forecast steps (default one hour of finer data, 24 for hourly data)",
        "  --epochs N          frozen model's maximum epochs (default 30; 12 for ETT)",
        "  --train-minutes M   frozen model's training budget (default 3; 20 for ETT)",
        "  --batch N           windows per prediction batch (default 512)",
        "Adaptation: steps after a marker until the MAE over the next horizon-many origins is within",
        "1.2x the mean of the day before. Several files are several hosts of one model and learner.");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            Set.of(
                "data",
                "target",
                "out",
                "strategies",
                "preset",
                "online",
                "split",
                "train-share",
                "drift-at",
                "labels",
                "alert-rule",
                "seed",
                "hidden",
                "encoder",
                "horizon",
                "epochs",
                "train-minutes",
                "batch"),
            Set.of());
    List<Path> files = files(args.get("data", null));
    String target = args.get("target", null);
    if (target == null) {
      throw new IllegalArgumentException("--target COLUMN is required (OT for ETT, value for NAB)");
    }
    Path out = args.path("out");
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    List<String> strategies = strategies(args.get("strategies", "frozen,sliding_window"));
    boolean ett = split(args.get("split", null), files.get(0));
    long seed = (long) args.number("seed", 42);
    double share = args.number("train-share", 0.3);
    AlertRule rule = AlertRule.parse(args.get("alert-rule", DEFAULT_ALERT_RULE));
    List<Long> markers = markers(args.get("drift-at", null));
    OnlineConfig online = onlineConfig(args, seed);
    long step = EvaluateSetup.step(files.get(0), target);
    var model = EvaluateSetup.modelConfig(args, ett, step, files.size(), seed);
    List<EvalSeries> series = new ArrayList<>();
    for (Path f : files) {
      OfflineData.requireColumn(OfflineData.load(f), f, target);
      if (ett) {
        series.add(EvalData.ett(f, target, model.encoderLength(), markers));
      } else {
        Path labels = args.path("labels") != null ? args.path("labels") : NabLabels.besideCsv(f);
        List<long[]> windows = labels == null ? List.of() : NabLabels.windows(labels, f);
        String host = f.getFileName().toString().replaceAll("\\.csv$", "");
        series.add(
            EvalData.series(f, target, host, share, model.encoderLength(), windows, markers));
      }
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("data", files.stream().map(Path::toString).toList());
    run.put("target", target);
    run.put("split", ett ? "ett" : "nab");
    run.put("train_share", ett ? null : share);
    run.put("strategies", strategies);
    run.put("preset", args.get("preset", OnlineConfig.DEFAULT_PRESET));
    run.put("seed", seed);
    run.put("alert_rule", rule.toString());
    run.put("adaptation_factor", 1.2);
    EvaluateSetup.Outcome o =
        EvaluateSetup.run(
            series,
            model,
            ett,
            new OnlineEvaluation.Settings(
                strategies, online, rule, 1.2, (int) args.number("batch", 512)),
            args.number("train-minutes", ett ? 20 : 3),
            run,
            System.err::println);
    Files.createDirectories(out);
    Files.writeString(out.resolve("summary.json"), o.json());
    List<String> pngs = HtmlReport.write(out, o.result(), o.summary(), ruleText(rule));
    System.out.println(EvaluateTable.of(o.summary()));
    System.out.printf(
        "tft evaluate: wrote %s, %s and %d plots%n",
        out.resolve("summary.json"), out.resolve("report.html"), pngs.size());
    return 0;
  }

  static String ruleText(AlertRule rule) {
    return "Forecast-band alert: raised when "
        + rule.k()
        + " of the last "
        + rule.m()
        + " actuals fall outside the P10-P90 band of their freshest (one-step-ahead) forecast;"
        + " a lasting excursion is one alert. An alert inside a labelled window detects it;"
        + " one outside every window is a false positive.";
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

  static List<String> strategies(String list) {
    List<String> out = new ArrayList<>();
    for (String s : list.split(",")) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      if (k.isEmpty()) {
        continue;
      }
      if (!k.equals(OnlineEvaluation.FROZEN) && !strategyKeys().contains(k)) {
        throw new IllegalArgumentException(
            "--strategies: unknown strategy '"
                + s.trim()
                + "'; known: frozen, "
                + String.join(", ", strategyKeys()));
      }
      if (!out.contains(k)) {
        out.add(k);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--strategies needs at least one strategy");
    }
    return out;
  }

  private static List<String> strategyKeys() {
    List<String> keys = new ArrayList<>();
    for (Strategy s : Strategy.values()) {
      keys.add(s.key());
    }
    return keys;
  }

  private static boolean split(String value, Path first) {
    if (value == null) {
      return first.getFileName().toString().startsWith("ETT");
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "ett" -> true;
      case "nab", "series" -> false;
      default ->
          throw new IllegalArgumentException("--split must be 'ett' or 'nab', got '" + value + "'");
    };
  }

  private static List<Long> markers(String value) {
    List<Long> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    for (String ts : value.split(",")) {
      try {
        out.add(NabLabels.parse(ts));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--drift-at: '" + ts.trim() + "' is not a 'yyyy-MM-dd HH:mm:ss' time");
      }
    }
    return out;
  }

  private static OnlineConfig onlineConfig(Args args, long seed) {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("seed", Long.toString(seed));
    String online = args.get("online", null);
    if (online != null) {
      for (String kv : online.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--online needs key=value pairs, got '" + kv + "'");
        }
        overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return OnlineConfig.load(args.path("config"), args.get("preset", null), overrides);
  }
}
