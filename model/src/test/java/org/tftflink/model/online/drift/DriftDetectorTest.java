package org.tftflink.model.online.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.Rng;

/**
 * Each detector on River's test stream (1000 values drawn from {0, 1}, then 1000 from {4..7}: an
 * abrupt change at sample 1000), on noisy error-like streams, and on streams without change.
 */
class DriftDetectorTest {
  private static double[] riverStream(long seed) {
    Rng rng = new Rng(seed);
    double[] x = new double[2000];
    for (int i = 0; i < 2000; i++) {
      x[i] = i < 1000 ? rng.nextInt(2) : 4 + rng.nextInt(4);
    }
    return x;
  }

  /** Absolute-error-like stream: |N(0, 1)| * level, level 1 then {@code after} from {@code at}. */
  private static double[] errorStream(long seed, int n, int at, double after) {
    Rng rng = new Rng(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double g =
          Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
      x[i] = Math.abs(g) * (i < at ? 1.0 : after);
    }
    return x;
  }

  /** Index of the first detection at or after {@code from}, or -1. */
  private static int firstDetection(DriftDetector d, double[] x, int from) {
    for (int i = 0; i < x.length; i++) {
      if (d.update(x[i]) && i >= from) {
        return i;
      }
    }
    return -1;
  }

  private static int countDetections(DriftDetector d, double[] x) {
    int n = 0;
    for (double v : x) {
      if (d.update(v)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void adwinShouldFlagRiversAbruptChangeWithinOneClockOfRiversDelay() {
    // River documents detection at index 1023 (delay 23); ADWIN checks every 32 values
    int at = firstDetection(new Adwin(0.002), riverStream(42), 1000);
    assertThat(at - 1000).isBetween(0, 23 + Adwin.CLOCK);
  }

  @Test
  void pageHinkleyShouldFlagRiversAbruptChangeWithinAFewSamples() {
    // River documents a delay of 6 with its defaults
    int at =
        firstDetection(new PageHinkley(0.005, 50, PageHinkley.RIVER_ALPHA), riverStream(42), 1000);
    assertThat(at - 1000).isBetween(0, 15);
  }

  @Test
  void seedDetectorShouldFlagAMeanRiseWithinOneWindow() {
    int at = firstDetection(new SeedDriftDetector(100, 0.5), errorStream(7, 3000, 1000, 3.0), 1000);
    assertThat(at - 1000).isBetween(0, 100);
  }

  @Test
  void everyDetectorShouldFlagATripledErrorLevel() {
    double[] x = errorStream(11, 3000, 1500, 3.0);
    assertThat(firstDetection(new Adwin(0.002), x, 1500) - 1500).isBetween(0, 100);
    assertThat(firstDetection(new PageHinkley(0.1, 20, 1.0), x, 1500) - 1500).isBetween(0, 100);
    OnlineConfig config = OnlineConfig.defaults();
    for (String kind : new String[] {"seed", "page_hinkley", "adwin"}) {
      DriftDetector d = DriftDetectors.create(config.with("drift_detector", kind));
      assertThat(firstDetection(d, x, 1500) - 1500).as(kind).isBetween(0, 200);
    }
    assertThat(firstDetection(new SeedDriftDetector(100, 0.5), x, 1500) - 1500).isBetween(0, 200);
  }

  @Test
  void adwinAndSeedShouldRaiseNoFalseAlarmIn10000StationarySamples() {
    for (long seed = 1; seed <= 5; seed++) {
      double[] x = errorStream(seed, 10_000, Integer.MAX_VALUE, 1.0);
      assertThat(countDetections(new Adwin(0.002), x)).as("adwin seed %d", seed).isZero();
      assertThat(countDetections(new SeedDriftDetector(100, 0.5), x)).as("seed %d", seed).isZero();
    }
  }

  @Test
  void productPageHinkleyShouldRaiseNoFalseAlarmIn5000StationarySamples() {
    // Page-Hinkley's running mean is noisy early on; the product's delta and lambda (in units of
    // the baseline error) keep it quiet for 5000 samples, and it still sees a doubling quickly
    OnlineConfig config = OnlineConfig.defaults().with("drift_detector", "page_hinkley");
    for (long seed = 1; seed <= 5; seed++) {
      double[] x = errorStream(seed, 5_000, Integer.MAX_VALUE, 1.0);
      assertThat(countDetections(DriftDetectors.create(config), x)).as("seed %d", seed).isZero();
      double[] doubled = errorStream(seed, 4_000, 2_000, 2.0);
      assertThat(firstDetection(DriftDetectors.create(config), doubled, 2_000) - 2_000)
          .as("delay, seed %d", seed)
          .isBetween(0, 150);
    }
  }

  @Test
  void noDetectorShouldFlagErrorsThatFall() {
    double[] x = errorStream(3, 4000, 1000, 0.3);
    assertThat(countDetections(new PageHinkley(0.005, 50, PageHinkley.RIVER_ALPHA), x)).isZero();
    assertThat(countDetections(new SeedDriftDetector(100, 0.5), x)).isZero();
  }

  @Test
  void seedDetectorShouldReportTheRelativeRiseAsItsStatistic() {
    SeedDriftDetector d = new SeedDriftDetector(50, 0.5);
    firstDetection(d, errorStream(5, 2000, 500, 4.0), 500);
    assertThat(d.statistic()).isGreaterThan(0.5);
    assertThat(d.threshold()).isEqualTo(0.5);
  }

  @Test
  void restoredDetectorShouldContinueExactlyAsTheOriginal() throws IOException {
    double[] x = riverStream(9);
    for (DriftDetector[] pair :
        new DriftDetector[][] {
          {new Adwin(0.002), new Adwin(0.002)},
          {
            new PageHinkley(0.005, 50, PageHinkley.RIVER_ALPHA),
            new PageHinkley(0.005, 50, PageHinkley.RIVER_ALPHA)
          },
          {new SeedDriftDetector(100, 0.5), new SeedDriftDetector(100, 0.5)}
        }) {
      for (int i = 0; i < 990; i++) {
        pair[0].update(x[i]);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      pair[0].write(new DataOutputStream(bytes));
      pair[1].read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      for (int i = 990; i < x.length; i++) {
        assertThat(pair[1].update(x[i]))
            .as(pair[0].name() + " at " + i)
            .isEqualTo(pair[0].update(x[i]));
      }
    }
  }
}
