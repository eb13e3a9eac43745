package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tftflink.job.report.HtmlReport;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.online.eval.AlertRule;
import org.tftflink.model.online.eval.EvalData;
import org.tftflink.model.online.eval.EvalSeries;
import org.tftflink.model.online.eval.NabLabels;
import org.tftflink.model.online.eval.OnlineEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tft evaluate}: the prequential evaluation of the online-learning strategies (DESIGN
 * section 4) on CSV files, several files being several hosts of one run; writes summary.json and
 * report.html with its plots.
 */
@Command(
    name = "evaluate",
    sortOptions = false,
    description =
        "prequential evaluation of the online-learning strategies on CSVs: summary.json +"
            + " report.html",
    customSynopsis =
        "./tft evaluate --data FILE.csv[,FILE2.csv] --target COLUMN --out DIR [OPTIONS]",
    footer = {
      "",
      "Adaptation: steps after a marker until the MAE over the next horizon-many origins is within",
      "1.2x the mean of the day before. Several files are several hosts of one model and learner."
    })
public final class EvaluateCommand implements Callable<Integer> {
  static final String DEFAULT_ALERT_RULE = "3/4";

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE.csv[,FILE2.csv]",
      description = "the series; several files are several hosts of one run")
  String csvs;

  @Option(
      names = "--target",
      required = true,
      paramLabel = "COLUMN",
      description = "the column to forecast (OT for ETT, value for NAB)")
  String target;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "where summary.json, report.html and its plots go")
  Path out;

  @Option(
      names = "--strategies",
      paramLabel = "LIST",
      defaultValue = "frozen,sliding_window",
      description = "frozen and/or ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
      completionCandidates = StrategyKeys.class)
  String strategyList;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      defaultValue = OnlineConfig.DEFAULT_PRESET,
      description =
          "online-learning preset: conservative or aggressive (default: ${DEFAULT-VALUE})")
  String preset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "online-learning keys (properties or YAML) over the preset")
  Path onlineFile;

  @Option(
      names = "--online",
      paramLabel = "K=V,K=V",
      description = "online-learning keys over the file (e.g. online_epochs=2)")
  String online;

  @Option(
      names = "--split",
      paramLabel = "ett|nab",
      arity = "1",
      converter = EttSplit.class,
      description =
          "ett: standard ETT split (training rows train, the learners run from the "
              + "validation rows, the test rows are scored, MSE/MAE on the z-scale); nab: the "
              + "first --train-share of each file trains (default: ett for files named ETT*, nab "
              + "otherwise)")
  Boolean ettSplit;

  @Option(
      names = "--train-share",
      paramLabel = "F",
      defaultValue = "0.3",
      description = "share of the rows that train the frozen model (default: ${DEFAULT-VALUE})")
  double trainShare;

  @Option(
      names = "--drift-at",
      paramLabel = "TS[,TS]",
      description =
          "drift markers, 'yyyy-MM-dd HH:mm:ss' UTC (default: the starts of NAB's labelled "
              + "windows, read from labels/combined_windows.json beside nab/)")
  String driftAt;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "NAB labelled windows (default: found beside the NAB folder)")
  Path labels;

  @Option(
      names = "--alert-rule",
      paramLabel = "K/M",
      defaultValue = DEFAULT_ALERT_RULE,
      description =
          "alert when K of the last M actuals leave the P10-P90 band (default: ${DEFAULT-VALUE})")
  String alertRule;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description =
          "seed of the frozen model's training and of the learners (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--hidden",
      paramLabel = "N",
      description = "TFT hidden size (default: 8 as the bundled demo model; 32 for ETT)")
  Integer hidden;

  @Option(
      names = "--encoder",
      paramLabel = "N",
      description = "history steps (default: 48; 168 for ETT)")
  Integer encoder;

  @Option(
      names = "--horizon",
      paramLabel = "N",
      description = "forecast steps (default: one hour of finer data, 24 for hourly data)")
  Integer horizon;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "frozen model's maximum epochs (default: 30; 12 for ETT)")
  Integer epochs;

  @Option(
      names = "--train-minutes",
      paramLabel = "M",
      description = "frozen model's training budget (default: 3; 20 for ETT)")
  Double trainMinutes;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "512",
      description = "windows per prediction batch (default: ${DEFAULT-VALUE})")
  int batch;

  @Override
  public Integer call() throws Exception {
    List<Path> files = files(csvs);
    List<String> strategies = strategies(strategyList);
    boolean ett =
        ettSplit != null ? ettSplit : files.get(0).getFileName().toString().startsWith("ETT");
    double share = trainShare;
    AlertRule rule = AlertRule.parse(alertRule);
    List<Long> markers = markers(driftAt);
    OnlineConfig online = onlineConfig();
    long step = EvaluateSetup.step(files.get(0), target);
    var model = EvaluateSetup.modelConfig(this, ett, step, files.size(), seed);
    List<EvalSeries> series = new ArrayList<>();
    for (Path f : files) {
      OfflineData.requireColumn(OfflineData.load(f), f, target);
      if (ett) {
        series.add(EvalData.ett(f, target, model.encoderLength(), markers));
      } else {
        Path labels = this.labels != null ? this.labels : NabLabels.besideCsv(f);
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
    run.put("preset", preset);
    run.put("seed", seed);
    run.put("alert_rule", rule.toString());
    run.put("adaptation_factor", 1.2);
    EvaluateSetup.Outcome o =
        EvaluateSetup.run(
            series,
            model,
            ett,
            new OnlineEvaluation.Settings(strategies, online, rule, 1.2, batch),
            trainMinutes != null ? trainMinutes : ett ? 20 : 3,
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

  /** {@code --split ett|nab} (nab also as series): whether the ETT split applies. */
  static final class EttSplit implements CommandLine.ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "ett" -> true;
        case "nab", "series" -> false;
        default -> throw Choice.unknown(value, "ett", "nab");
      };
    }
  }

  /** The strategies' keys, for the help of --strategies. */
  static final class StrategyKeys implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return strategyKeys().iterator();
    }
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

  private OnlineConfig onlineConfig() {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("seed", Long.toString(seed));
    if (online != null) {
      for (String kv : online.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--online needs key=value pairs, got '" + kv + "'");
        }
        overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return OnlineConfig.load(onlineFile, preset, overrides);
  }
}
