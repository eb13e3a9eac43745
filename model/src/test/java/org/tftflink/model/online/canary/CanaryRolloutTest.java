package org.tftflink.model.online.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.SampleScores;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/** The canary's decision: both groups' live losses, the period, the minimum samples, the hash. */
class CanaryRolloutTest {
  private static final double[] Q = {0.1, 0.5, 0.9};
  private static final SampleScores SCORES = new SampleScores(Q);
  private static final long MIN = 60_000L;
  private static final long START = 1_000 * MIN;

  /** A served forecast of P50 {@code p50} (band ±1) against an actual of 10. */
  private static MaturedSample sample(String host, long originMs, long version, double p50) {
    TftWindow w =
        new TftWindow(
            new double[][] {{1}, {2}}, new double[3][0], new String[] {host}, new double[0]);
    double[][] served = {{p50 - 1, p50, p50 + 1}};
    return new MaturedSample(
        host, originMs, new TrainingSample(w, new double[] {10}), served, version);
  }

  private static CanaryRollout rollout() {
    return new CanaryRollout(6, 5, 0.2, START, 60 * MIN, 4, 0.05);
  }

  /** Canary and stable samples each minute from the start, the canary's P50 off by canaryError. */
  private static Optional<CanaryDecision> run(
      CanaryRollout r, double canaryError, double stableError, int minutes) {
    for (int m = 0; m < minutes; m++) {
      long t = START + m * MIN;
      Optional<CanaryDecision> d = r.observe(sample("c" + m, t, 6, 10 + canaryError), SCORES);
      if (d.isPresent()) {
        return d;
      }
      d = r.observe(sample("s" + m, t, 5, 10 + stableError), SCORES);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  @Test
  void shouldPromoteACanaryNoWorseThanTheStableHosts() {
    CanaryDecision d = run(rollout(), 0.5, 0.6, 200).orElseThrow();

    assertThat(d.outcome()).isEqualTo(CanaryDecision.Outcome.PROMOTE);
    assertThat(d.canaryLoss()).isLessThan(d.stableLoss());
    assertThat(d.canarySamples()).isEqualTo(61);
    assertThat(d.stableSamples()).isEqualTo(60);
  }

  @Test
  void shouldRollBackACanaryWorseThanTheStableHostsBeyondTheTolerance() {
    CanaryDecision d = run(rollout(), 3, 0.5, 200).orElseThrow();

    assertThat(d.outcome()).isEqualTo(CanaryDecision.Outcome.ROLL_BACK);
    assertThat(d.canaryLoss()).isGreaterThan(d.stableLoss() * 1.05);
  }

  @Test
  void shouldNotDecideBeforeAForecastIssuedAfterThePeriodMatured() {
    assertThat(run(rollout(), 3, 0.5, 60)).isEmpty();
  }

  @Test
  void shouldIgnoreSamplesIssuedBeforeTheStartOrByOtherVersions() {
    CanaryRollout r = rollout();
    r.observe(sample("c", START - MIN, 6, 100), SCORES);
    r.observe(sample("x", START, 3, 100), SCORES);

    assertThat(r.canaryLoss()).isNaN();
    assertThat(r.stableLoss()).isNaN();
  }

  @Test
  void shouldWaitForTheMinimumSamplesThenPromoteAsInconclusiveAfterTwoPeriods() {
    CanaryRollout r = rollout();
    List<CanaryDecision> decisions = new ArrayList<>();
    for (int m = 0; m <= 120 && decisions.isEmpty(); m++) {
      // stable hosts only: no host fell in the canary
      r.observe(sample("s" + m, START + m * MIN, 5, 10.5), SCORES).ifPresent(decisions::add);
      if (m == 100) {
        assertThat(decisions).isEmpty();
      }
    }

    assertThat(decisions)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.outcome()).isEqualTo(CanaryDecision.Outcome.PROMOTE);
              assertThat(d.reason()).startsWith("inconclusive");
              assertThat(d.canarySamples()).isZero();
            });
  }

  @Test
  void shouldDecideTheSameAfterASnapshotAndRestore() throws Exception {
    CanaryRollout a = rollout();
    run(a, 0.7, 0.6, 30);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.write(new DataOutputStream(bytes));
    CanaryRollout b =
        CanaryRollout.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    assertThat(b.canaryLoss()).isEqualTo(a.canaryLoss());
    CanaryDecision fromA = runFrom(a, 30);
    CanaryDecision fromB = runFrom(b, 30);
    assertThat(fromB).isEqualTo(fromA);
  }

  private static CanaryDecision runFrom(CanaryRollout r, int minute) {
    for (int m = minute; ; m++) {
      long t = START + m * MIN;
      Optional<CanaryDecision> d = r.observe(sample("c" + m, t, 6, 10.7), SCORES);
      if (d.isEmpty()) {
        d = r.observe(sample("s" + m, t, 5, 10.6), SCORES);
      }
      if (d.isPresent()) {
        return d.get();
      }
    }
  }

  @Test
  void shouldWriteTheDecisionWithBothGroupsErrorsAndCountsAsOneAuditLine() {
    CanaryDecision d = run(rollout(), 3, 0.5, 200).orElseThrow();

    LearningEvent e = d.toEvent(START + 61 * MIN);

    assertThat(e.type()).isEqualTo(LearningEvent.CANARY_DECIDED);
    assertThat(e.version()).isEqualTo(6);
    assertThat(e.details())
        .containsEntry("decision", "roll_back")
        .containsEntry("stable_version", 5L)
        .containsKeys("canary_loss", "stable_loss", "canary_samples", "stable_samples");
  }

  @Test
  void shouldRefuseACanaryConfigurationThatCannotKeepTheStableVersionsWeights() {
    assertThatThrownBy(
            () ->
                OnlineConfig.load(
                    null, null, Map.of("canary_share", "0.1", "keep_model_versions", "1")))
        .hasMessageContaining("keep_model_versions >= 2");
    assertThat(OnlineConfig.load(null, null, Map.of("canary_share", "0.1")).canaryShare())
        .isEqualTo(0.1);
    assertThatThrownBy(() -> OnlineConfig.load(null, null, Map.of("canary_share", "1")))
        .hasMessageContaining("canary_share");
  }

  @Test
  void shouldPickTheSameHostsEveryTimeAndAboutTheShare() {
    int in = 0;
    for (int i = 0; i < 10_000; i++) {
      String host = "web-" + i;
      assertThat(CanaryHosts.inCanary(host, 0.1)).isEqualTo(CanaryHosts.inCanary(host, 0.1));
      if (CanaryHosts.inCanary(host, 0.1)) {
        in++;
        assertThat(CanaryHosts.inCanary(host, 0.3)).as("a larger share keeps %s", host).isTrue();
      }
    }
    assertThat(in).isBetween(900, 1100);
    assertThat(CanaryHosts.inCanary("web-1", 0)).isFalse();
    // fixed across JVMs: the hash of the id's bytes, not String.hashCode
    assertThat(CanaryHosts.bucket("web-17")).isEqualTo(CanaryHosts.bucket(new String("web-17")));
  }
}
