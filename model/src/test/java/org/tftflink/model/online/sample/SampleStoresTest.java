package org.tftflink.model.online.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.MaturedSample;

class SampleStoresTest {
  private static final long HOUR = 3_600_000L;

  @Test
  void windowShouldDropSamplesOlderThanItsSpanInEventTime() {
    SlidingWindow w = new SlidingWindow(2, 100);
    Rng rng = new Rng(1);
    for (int i = 0; i < 10; i++) {
      w.add(i + 1, Samples.of("a", i * HOUR, 10, 10, 1), rng);
    }
    w.evict(9 * HOUR);
    assertThat(w.entries())
        .extracting(e -> e.sample().originMs())
        .containsExactly(7 * HOUR, 8 * HOUR, 9 * HOUR);
    assertThat(w.since(8)).extracting(Sequenced::seq).containsExactly(9L, 10L);
  }

  @Test
  void windowShouldEvictExactlyAsAFullScanWouldWhenSamplesArriveOutOfOrderAndAfterARestore()
      throws Exception {
    SlidingWindow w = new SlidingWindow(2, 40);
    List<Long> kept = new ArrayList<>(); // the naive model: every origin not older than the span
    Rng rng = new Rng(5);
    java.util.Random order = new java.util.Random(7);
    for (int i = 0; i < 200; i++) {
      // hosts report late by up to three hours, so origins arrive out of order
      long origin = (i / 4) * HOUR / 2 - order.nextInt(4) * HOUR;
      w.add(i + 1, Samples.of("h" + (i % 4), origin, 10, 10, 1), rng);
      long now = (i / 4) * HOUR / 2;
      if (i == 120) { // a restore in the middle: the snapshot holds no bound
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        w.write(new java.io.DataOutputStream(bytes));
        w = new SlidingWindow(2, 40);
        w.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
      }
      kept.clear();
      for (Sequenced e : w.entries()) {
        if (e.sample().originMs() >= now - 2 * HOUR) {
          kept.add(e.sample().originMs());
        }
      }
      w.evict(now);
      assertThat(w.entries())
          .extracting(e -> e.sample().originMs())
          .containsExactlyElementsOf(kept);
    }
    assertThat(w.size()).isPositive();
  }

  @Test
  void windowShouldStayWithinItsCapWhateverTheNumberOfHosts() {
    SlidingWindow w = new SlidingWindow(24, 50);
    Rng rng = new Rng(1);
    for (int i = 0; i < 1000; i++) {
      w.add(i + 1, Samples.of("host-" + i, 0, 10, 10, 1), rng);
    }
    assertThat(w.size()).isEqualTo(50);
  }

  @Test
  void replayShouldKeepHighLossSamplesMoreOftenThanLowLossOnes() {
    ReplayBuffer r = new ReplayBuffer(100);
    Rng rng = new Rng(3);
    for (int i = 0; i < 2000; i++) {
      boolean high = i % 2 == 0;
      r.offer(i, Samples.of(high ? "high" : "low", i, 10, 10, 1), high ? 4.0 : 1.0, rng);
    }
    long high = r.samples().stream().filter(s -> s.host().equals("high")).count();
    assertThat(r.size()).isEqualTo(100);
    assertThat(high).isBetween(65L, 95L); // 4:1 weights keep about 80% high-loss samples
  }

  @Test
  void replayShouldSampleEveryPartOfALongStream() {
    ReplayBuffer r = new ReplayBuffer(200);
    Rng rng = new Rng(4);
    for (int i = 0; i < 10_000; i++) {
      r.offer(i, Samples.of("a", i, 10, 10, 1), 1.0, rng);
    }
    long early = r.samples().stream().filter(s -> s.originMs() < 5_000).count();
    assertThat(early).isBetween(60L, 140L);
    assertThat(r.draw(30, rng)).hasSize(30).doesNotHaveDuplicates();
    assertThat(r.draw(500, rng)).hasSize(200);
  }

  @Test
  void holdoutShouldTakeWholeOriginBlocksAndTheConfiguredShare() {
    Holdout h = new Holdout(0.2, 60, 1000, 1000);
    int held = 0;
    for (int i = 0; i < 12 * 1000; i++) {
      MaturedSample s = Samples.of("web-1", i * 300_000L, 10, 10, 1);
      boolean a = h.isHoldout(s);
      if (a) {
        held++;
      }
      // every 5-minute origin of one hour lands on the same side
      assertThat(a).isEqualTo(h.isHoldout(Samples.of("web-1", (i / 12) * HOUR, 10, 10, 1)));
    }
    assertThat(held / (12.0 * 1000)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void holdoutShouldKeepOnlyTheMostRecentSamples() {
    Holdout h = new Holdout(0.2, 60, 3, 1000);
    for (int i = 0; i < 10; i++) {
      h.add(Samples.of("a", i * HOUR, i, 10, 1));
    }
    assertThat(h.trainingSamples())
        .extracting(t -> t.futureTarget()[0])
        .containsExactly(7.0, 8.0, 9.0);
  }

  @Test
  void countSinceShouldEqualTheSizeOfSinceAfterRandomDropsAndRefuseAnArrivalOutOfOrder() {
    SlidingWindow w = new SlidingWindow(1000, 50);
    Rng rng = new Rng(5);
    for (int i = 1; i <= 400; i++) {
      w.add(i * 3L, Samples.of("h" + (i % 7), i * HOUR, 10, 10, 1), rng);
      for (long seq : new long[] {0, i * 3L - 4, i * 3L - 3, i * 3L - 1, i * 3L, 200, 1200}) {
        assertThat(w.countSince(seq))
            .as("since %d after %d", seq, i)
            .isEqualTo(w.since(seq).size());
      }
    }
    assertThat(w.since(1100)).extracting(Sequenced::seq).allMatch(seq -> seq > 1100).isSorted();
    assertThatThrownBy(() -> w.add(1200, Samples.of("h", 0, 10, 10, 1), rng))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("arrival numbers must increase");
  }

  @Test
  void holdoutEvictionShouldKeepWhatAFullScanKeepsWithOriginsOutOfOrder() {
    Holdout h = new Holdout(0.5, 60, 1000, 2);
    List<MaturedSample> kept = new ArrayList<>();
    java.util.Random r = new java.util.Random(11);
    long now = 0;
    for (int i = 0; i < 600; i++) {
      long origin = (i / 4) * HOUR / 4 - r.nextInt(3) * HOUR; // late ones among them
      MaturedSample s = Samples.of("h" + i, origin, 10, 10, 1);
      h.add(s);
      kept.add(s);
      now = Math.max(now, origin);
      h.evict(now);
      long oldest = now - 2 * HOUR;
      kept.removeIf(k -> k.originMs() < oldest);
      assertThat(h.size()).as("after %d", i).isEqualTo(kept.size());
    }
  }

  @Test
  void storesShouldRoundTripThroughTheirBinaryForm() throws IOException {
    SlidingWindow w = new SlidingWindow(24, 10);
    ReplayBuffer r = new ReplayBuffer(5);
    Rng rng = new Rng(9);
    for (int i = 0; i < 8; i++) {
      w.add(i, Samples.of("h" + i, i * HOUR, i, 10, 1), rng);
      r.offer(i, Samples.of("h" + i, i * HOUR, i, 10, 1), i + 1, rng);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    w.write(out);
    r.write(out);
    SlidingWindow w2 = new SlidingWindow(24, 10);
    ReplayBuffer r2 = new ReplayBuffer(5);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    w2.read(in);
    r2.read(in);
    assertThat(w2.size()).isEqualTo(8);
    assertThat(r2.samples())
        .extracting(MaturedSample::host)
        .isEqualTo(r.samples().stream().map(MaturedSample::host).toList());
    assertThat(r2.draw(3, new Rng(1)))
        .extracting(MaturedSample::host)
        .isEqualTo(r.draw(3, new Rng(1)).stream().map(MaturedSample::host).toList());
    assertThat(w2.bytes()).isEqualTo(w.bytes());
  }

  @Test
  void bytesPerSampleFromDimensionsShouldMatchARealSample() {
    MaturedSample s = Samples.of("host-0001", 0, 1, 1, 1);
    long fromDims = SampleCodec.bytes(4, 2, 1, 0, 3, 1, 0);
    assertThat((double) fromDims)
        .isCloseTo(SampleCodec.bytes(s), org.assertj.core.data.Percentage.withPercentage(20));
  }

  @Test
  void scoresShouldMeasureTheServedForecast() {
    SampleScores sc = new SampleScores(Samples.QUANTILES);
    MaturedSample inside = Samples.of("a", 0, 10.5, 10, 1);
    assertThat(sc.errors(inside)).containsExactly(0.5, 0.5);
    assertThat(sc.p50AbsError(inside)).isEqualTo(0.5);
    assertThat(sc.relativeBandWidth(inside)).isEqualTo(0.2);
    assertThat(sc.outsideBand(inside)).isZero();
    // pinball at 0.1/0.5/0.9 for y = 10.5 with 9, 10, 11: 0.15, 0.25, 0.05
    assertThat(sc.pinball(inside)).isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-12));
    MaturedSample outside = Samples.of("a", 0, 13, 10, 1);
    assertThat(sc.outsideBand(outside)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void scoresShouldLeaveMissingActualsOut() {
    SampleScores sc = new SampleScores(Samples.QUANTILES);
    MaturedSample s = Samples.of("a", 0, 12, 10, 1);
    s.sample().futureTarget()[1] = Double.NaN;
    assertThat(sc.p50AbsError(s)).isEqualTo(2.0);
  }

  @Test
  void shouldRefuseASampleWhoseActualsDoNotCoverTheServedHorizon() {
    SampleScores sc = new SampleScores(Samples.QUANTILES);
    MaturedSample s = Samples.of("a", 0, 12, 10, 1);
    MaturedSample cut =
        new MaturedSample(
            "a",
            0,
            new org.tftflink.model.tft.TrainingSample(s.sample().window(), new double[] {1}),
            s.served(),
            1);
    assertThatThrownBy(() -> sc.requireShape(cut))
        .hasMessageContaining("1 actuals but a served horizon of 2");
    assertThat(List.of(s)).allSatisfy(sc::requireShape);
  }
}
