package org.tftflink.model.online.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.SampleRate;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/** A live comparison scores a bounded, hash-chosen subset of the samples it is offered. */
class LiveComparisonLimitTest {
  private static final long STEP = 300_000L;

  private static MaturedSample sample(int host, int step) {
    TftWindow w =
        new TftWindow(new double[][] {{1}}, new double[][] {{0}}, new String[0], new double[0]);
    return new MaturedSample(
        "host-" + host,
        step * STEP,
        new TrainingSample(w, new double[] {1, 2}),
        new double[][] {{0, 1, 2}, {0, 1, 2}},
        3);
  }

  /** 1,000 hosts for 72 steps: six hours of 5-minute steps. */
  private static List<MaturedSample> sixHours() {
    List<MaturedSample> out = new ArrayList<>();
    for (int step = 0; step < 72; step++) {
      for (int host = 0; host < 1000; host++) {
        out.add(sample(host, step));
      }
    }
    return out;
  }

  private static Set<String> taken(LiveComparison c, List<MaturedSample> samples) {
    Set<String> keys = new HashSet<>();
    for (MaturedSample s : samples) {
      if (c.offer(s)) {
        keys.add(s.host() + "@" + s.originMs());
      }
    }
    return keys;
  }

  @Test
  void shouldTakeAboutItsShareSpreadOverHostsAndSteps() {
    List<MaturedSample> all = sixHours();
    LiveComparison c = new LiveComparison(2, 1, 0, 72 * STEP, 2000 / 72_000.0, 2000);
    Set<String> keys = taken(c, all);
    // binomial(72,000, 1/36): mean 2,000, sd 44; the limit cuts at 2,000
    assertThat(keys.size()).isBetween(1850, 2000);
    assertThat(c.offered()).isEqualTo(72_000);
    assertThat(c.pendingCount()).isEqualTo(keys.size());
    // spread: every hour of the period and most hosts are represented
    Set<Long> hours = new HashSet<>();
    Set<String> hosts = new HashSet<>();
    for (String k : keys) {
      hours.add(Long.parseLong(k.substring(k.indexOf('@') + 1)) / 3_600_000L);
      hosts.add(k.substring(0, k.indexOf('@')));
    }
    assertThat(hours).hasSize(6);
    assertThat(hosts.size()).isGreaterThan(800);
  }

  @Test
  void shouldChooseTheSameSamplesWhateverTheirOrder() {
    List<MaturedSample> all = sixHours().subList(0, 20_000);
    List<MaturedSample> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(7));
    Set<String> a = taken(new LiveComparison(2, 1, 0, 1, 0.1, 0), all);
    Set<String> b = taken(new LiveComparison(2, 1, 0, 1, 0.1, 0), shuffled);
    assertThat(a).isEqualTo(b).hasSizeBetween(1800, 2200);
  }

  @Test
  void shouldStopAtItsLimitCountingScoredAndPendingSamples() {
    LiveComparison c = new LiveComparison(2, 1, 0, 1, 1, 50);
    List<MaturedSample> all = sixHours().subList(0, 200);
    for (int i = 0; i < 30; i++) {
      assertThat(c.offer(all.get(i))).isTrue();
    }
    c.record(1, 1, c.drainMatured().size());
    long more = all.subList(30, 200).stream().filter(c::offer).count();
    assertThat(more).isEqualTo(20);
    assertThat(c.count() + c.pendingCount()).isEqualTo(50);
  }

  @Test
  void shouldScoreEverySampleWithoutALimit() {
    LiveComparison c = new LiveComparison(2, 1, 0, 1);
    assertThat(taken(c, sixHours().subList(0, 5000))).hasSize(5000);
    assertThatThrownBy(() -> new LiveComparison(2, 1, 0, 1, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepShareLimitAndCountsThroughItsBytesAndReadTheOldLayoutAsUnlimited()
      throws IOException {
    LiveComparison c = new LiveComparison(5, 4, 10, 20, 0.25, 300);
    List<MaturedSample> all = sixHours().subList(0, 1000);
    taken(c, all.subList(0, 500));
    c.record(2.0, 1.0, c.drainMatured().size());
    taken(c, all.subList(500, 1000));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    c.write(new DataOutputStream(bytes));
    LiveComparison r =
        LiveComparison.read(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), true);
    assertThat(r.share()).isEqualTo(0.25);
    assertThat(r.offered()).isEqualTo(1000);
    assertThat(r.count()).isEqualTo(c.count());
    assertThat(r.pendingCount()).isEqualTo(c.pendingCount());
    assertThat(r.challengerLoss()).isEqualTo(2.0);

    // before learner snapshot format 3 the layout ended after the pending samples
    byte[] old = Arrays.copyOf(bytes.toByteArray(), bytes.size() - Double.BYTES - 4 - Long.BYTES);
    LiveComparison o =
        LiveComparison.read(new DataInputStream(new ByteArrayInputStream(old)), false);
    assertThat(o.share()).isEqualTo(1.0);
    assertThat(o.count()).isEqualTo(c.count());
    assertThat(o.pendingCount()).isEqualTo(c.pendingCount());
    assertThat(o.offer(all.get(0))).isTrue(); // no limit any more
  }

  @Test
  void sampleRateShouldGiveTheShareThatScoresAboutTheLimitOverAPeriod() {
    SampleRate rate = new SampleRate();
    assertThat(rate.shareFor(6 * 3_600_000L, 2000)).isEqualTo(1.0); // rate unknown yet
    for (int step = 0; step <= 24; step++) {
      for (int host = 0; host < 1000; host++) {
        rate.count(step * STEP);
      }
    }
    // one full hour of 12 steps of 1,000 hosts
    assertThat(rate.perHour()).isEqualTo(12_000.0);
    assertThat(rate.shareFor(6 * 3_600_000L, 2000)).isCloseTo(2000 / 72_000.0, within());
    assertThat(rate.shareFor(3_600_000L, 0)).isEqualTo(1.0); // no limit
    assertThat(rate.shareFor(300_000L, 2000)).isEqualTo(1.0); // fewer expected than the limit
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
