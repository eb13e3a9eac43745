package org.tftflink.model.online.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.SeriesWindows;

/**
 * The sample screen: absurd and stuck values are suspect, ordinary data and a genuine level shift
 * are not, on synthetic series and on the real series the product's drift demo learns from.
 */
class SampleScreenTest {
  private static final SampleScreen.Scale CPU = new SampleScreen.Scale(35, 12);
  private static final SampleScreen SCREEN = SampleScreen.of(OnlineConfig.defaults());

  /** NAB realKnownCause/cpu_utilization_asg_misconfiguration: the drift demo's series. */
  private static final Path ASG =
      Path.of("/work/shared/data/nab/realKnownCause/cpu_utilization_asg_misconfiguration.csv");

  private static final Path MODEL = Path.of("../job/src/main/resources/models/nab-small.tft");

  /** A noisy history around {@code level} followed by the given actuals. */
  private static TrainingSample sample(double level, double... actuals) {
    double[][] observed = new double[48][1];
    for (int t = 0; t < observed.length; t++) {
      observed[t][0] = level + 2 * Math.sin(t * 0.7) + (t % 3);
    }
    return new TrainingSample(
        new TftWindow(observed, new double[60][0], new String[0], new double[0]), actuals);
  }

  private static double[] repeat(double v, int n) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void shouldFlagAnAbsurdActualOrHistoryValueForTheModelsScale() {
    double[] oneAbsurd = repeat(33, 12);
    oneAbsurd[5] = 1e6;
    assertThat(SCREEN.suspect(sample(33, oneAbsurd), CPU)).isEqualTo(SampleScreen.ABSURD);

    TrainingSample poisonedHistory = sample(33, repeat(33, 12));
    poisonedHistory.window().observed()[40][0] = 1e6;
    assertThat(SCREEN.suspect(poisonedHistory, CPU)).isEqualTo(SampleScreen.ABSURD);

    double[] infinite = repeat(33, 12);
    infinite[0] = Double.POSITIVE_INFINITY;
    assertThat(SCREEN.suspect(sample(33, infinite), CPU)).isEqualTo(SampleScreen.ABSURD);
  }

  @Test
  void shouldLeaveMissingValuesAndAFullScaleJumpAlone() {
    double[] missing = repeat(Double.NaN, 12);
    missing[0] = 34;
    assertThat(SCREEN.suspect(sample(33, missing), CPU)).isNull();
    // idle to saturated is 8 model scales: a big jump, not an absurd one
    double[] saturating = {40, 70, 99, 100, 98, 100, 97, 99, 100, 96, 99, 100};
    assertThat(SCREEN.suspect(sample(2, saturating), CPU)).isNull();
  }

  @Test
  void shouldFlagAStuckValueFarFromAVariedHistoryOnly() {
    assertThat(SCREEN.suspect(sample(33, repeat(80, 12)), CPU)).isEqualTo(SampleScreen.STUCK);
    // stuck at the history's level (a feed repeating its last value) is not told from a calm host
    assertThat(SCREEN.suspect(sample(33, repeat(34, 12)), CPU)).isNull();
    // shorter than screen_constant_steps
    double[] shortRun = repeat(80, 12);
    shortRun[3] = 79;
    assertThat(SCREEN.suspect(sample(33, shortRun), CPU)).isNull();
    // a constant history may stay constant at another level (a step metric)
    double[][] flat = new double[48][1];
    for (double[] row : flat) {
      row[0] = 4;
    }
    TrainingSample step =
        new TrainingSample(
            new TftWindow(flat, new double[60][0], new String[0], new double[0]), repeat(8, 12));
    assertThat(SCREEN.suspect(step, CPU)).isNull();
  }

  @Test
  void shouldFlagNothingWhenBothRulesAreOff() {
    SampleScreen off = new SampleScreen(0, 0, 10);
    double[] absurd = repeat(1e9, 12);
    absurd[0] = Double.POSITIVE_INFINITY;
    assertThat(off.suspect(sample(33, absurd), CPU)).isNull();
  }

  @Test
  void shouldFlagNoSampleOfTheRealDriftSeriesForTheBundledModel() throws Exception {
    TftWeights model = TftWeights.of(ModelDataSerializer.deserialize(Files.readAllBytes(MODEL)));
    SampleScreen.Scale scale =
        new SampleScreen.Scale(model.scaler().observedMean()[0], model.scaler().observedStd()[0]);
    System.out.printf(
        "bundled model's target scale: mean %.3f, std %.3f; 1e6 is %.0f std off%n",
        scale.centre(), scale.spread(), (1e6 - scale.centre()) / scale.spread());
    TftConfig c = model.config();
    CsvSeries csv = CsvSeries.load(ASG);
    double[] y = csv.columnValues(csv.column("value"));
    double[][] observed = new double[y.length][1];
    for (int i = 0; i < y.length; i++) {
      observed[i][0] = y[i];
    }
    SeriesWindows windows =
        new SeriesWindows(c, observed, SeriesWindows.calendar(csv.timestampsMs()));
    for (String preset : new String[] {"conservative", "aggressive"}) {
      SampleScreen screen = SampleScreen.of(OnlineConfig.load(null, preset, java.util.Map.of()));
      int suspect = 0;
      int n = 0;
      for (int o = c.encoderLength(); o + c.horizon() <= y.length; o++) {
        n++;
        if (screen.suspect(windows.sample(o), scale) != null) {
          suspect++;
        }
      }
      // every stride-1 sample, the level shift of 2014-07-11 (median 31 to 57) included
      assertThat(n).isGreaterThan(17_900);
      assertThat(suspect).as(preset + ": suspect samples of " + n).isZero();
    }
    // the same series poisoned as the end-to-end test does: two hours of 1e6
    for (int i = 16_900; i < 16_924; i++) {
      observed[i][0] = 1e6;
    }
    SeriesWindows poisoned =
        new SeriesWindows(c, observed, SeriesWindows.calendar(csv.timestampsMs()));
    for (int o = 16_900 - c.horizon() + 1; o < 16_924 + c.encoderLength(); o++) {
      assertThat(SCREEN.suspect(poisoned.sample(o), scale)).as("origin " + o).isNotNull();
    }
    assertThat(SCREEN.suspect(poisoned.sample(16_924 + c.encoderLength()), scale)).isNull();
  }
}
