package org.tftflink.job.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.eval.AlertRule;
import org.tftflink.model.online.eval.EvalData;
import org.tftflink.model.online.eval.EvalSeries;
import org.tftflink.model.online.eval.EvaluationResult;
import org.tftflink.model.online.eval.NabLabels;
import org.tftflink.model.online.eval.OnlineEvaluation;
import org.tftflink.model.online.eval.SummaryJson;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/** The report of a frozen-only run with a small real forecaster: its HTML references its PNGs. */
class HtmlReportTest {
  private static final Path NAB =
      Path.of("/work/shared/data/nab/realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv");

  @TempDir Path dir;

  /**
   * Forecasts the last history value with a band of plus or minus 10% of it: a real naive model.
   */
  static final class LastValueOps implements ModelOps<Double> {
    private final int horizon;

    LastValueOps(int horizon) {
      this.horizon = horizon;
    }

    @Override
    public double[] quantiles() {
      return new double[] {0.1, 0.5, 0.9};
    }

    @Override
    public double[][][] predict(Double width, List<TftWindow> windows) {
      double[][][] out = new double[windows.size()][horizon][];
      for (int w = 0; w < out.length; w++) {
        double[] y = windows.get(w).targetHistory();
        double last = y[y.length - 1];
        for (int h = 0; h < horizon; h++) {
          out[w][h] = new double[] {last * (1 - width), last, last * (1 + width)};
        }
      }
      return out;
    }

    @Override
    public double loss(Double model, List<TrainingSample> samples) {
      return 0;
    }

    @Override
    public Candidate<Double> train(
        Double parent,
        List<TrainingSample> train,
        List<TrainingSample> anchors,
        UpdateSettings settings) {
      return new Candidate<>(parent, 0, 0, train.size(), null);
    }

    @Override
    public byte[] encode(Double model) {
      return Double.toString(model).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public Double decode(byte[] bytes) {
      return Double.parseDouble(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldWriteAReportWhoseImagesExistBesideIt() throws Exception {
    TftConfig config =
        TftConfig.builder()
            .hiddenSize(4)
            .attentionHeads(1)
            .hiddenContinuousSize(2)
            .encoderLength(12)
            .horizon(12)
            .observedReals(1)
            .knownReals(2)
            .staticCategoricals(1)
            .hashBuckets(8)
            .build();
    List<long[]> windows = NabLabels.windows(NabLabels.besideCsv(NAB), NAB);
    EvalSeries s = EvalData.series(NAB, "value", "h", 0.3, 12, windows, List.of());
    OnlineEvaluation.Settings settings =
        new OnlineEvaluation.Settings(
            List.of(OnlineEvaluation.FROZEN),
            OnlineConfig.defaults(),
            new AlertRule(3, 4),
            1.2,
            256);
    EvaluationResult<Double> r =
        new OnlineEvaluation<>(config, new LastValueOps(12), null, settings, line -> {})
            .run(List.of(s), 0.1);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("data", List.of(NAB.toString()));
    Map<String, Object> summary = SummaryJson.of(r, run);

    List<String> pngs = HtmlReport.write(dir, r, summary, "rule");

    String html = Files.readString(dir.resolve("report.html"));
    assertThat(pngs).contains("band-ec2_cpu_utilization_825cc2-frozen.png");
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    int images = 0;
    while (m.find()) {
      images++;
      assertThat(dir.resolve(m.group(1))).isRegularFile();
      assertThat(Files.size(dir.resolve(m.group(1)))).isGreaterThan(1000);
    }
    assertThat(images).isEqualTo(pngs.size());
    assertThat(html).contains("repeat_last").contains("seasonal_naive").contains("qrisk50");
  }
}
