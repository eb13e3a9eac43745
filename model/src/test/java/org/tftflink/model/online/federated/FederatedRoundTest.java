package org.tftflink.model.online.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;

/** A round's average: current shards weighted by samples, stale and aborted ones left out. */
class FederatedRoundTest {

  private final TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();
  private final TftWeights base =
      TftWeights.of(TftModel.create(config, FeatureScaler.identity(config)), null);

  private TftWeights shifted(double by) {
    Map<String, double[]> p = new LinkedHashMap<>();
    for (String name : base.parameterNames()) {
      double[] v = base.parameter(name);
      for (int i = 0; i < v.length; i++) {
        v[i] += by;
      }
      p.put(name, v);
    }
    return new TftWeights(config, base.scaler(), p, null);
  }

  private static ShardUpdate<TftWeights> update(int shard, long parent, TftWeights m, int n) {
    return new ShardUpdate<>(
        shard, 3_600_000L, parent, new Candidate<>(m, 0.1 * shard, 4, n, null));
  }

  @Test
  void shouldAverageTheCurrentShardsWeightedBySamplesAndLeaveOutStaleAndAbortedOnes() {
    List<ShardUpdate<TftWeights>> updates =
        List.of(
            update(0, 5, shifted(1.0), 100),
            update(1, 5, shifted(3.0), 300),
            update(2, 4, shifted(50.0), 900), // trained from the version before: stale
            new ShardUpdate<>(3, 3_600_000L, 5, new Candidate<>(null, Double.NaN, 0, 7, "nan")));

    FederatedRound round = FederatedRound.of(4, 3_600_000L, 5, updates);

    assertThat(round.used()).containsExactly(0, 1);
    assertThat(round.stale()).containsExactly(2);
    assertThat(round.aborted()).containsExactly(3);
    assertThat(round.shardSamples()).containsExactly(100, 300, 900, 7);
    assertThat(round.samples()).isEqualTo(400);
    String name = base.parameterNames().iterator().next();
    assertThat(round.candidate().model().parameter(name)[0])
        .isCloseTo(base.parameter(name)[0] + 2.5, within(1e-9));
    assertThat(round.candidate().trainLoss())
        .isCloseTo((100 * 0.0 + 300 * 0.1) / 400, within(1e-12));

    LearningEvent e = round.toEvent(7_200_000L);
    assertThat(e.type()).isEqualTo(LearningEvent.FEDERATED_ROUND);
    assertThat(e.version()).isEqualTo(5);
    assertThat(e.details())
        .containsEntry("shards", 4)
        .containsEntry("shard_samples", List.of(100L, 300L, 900L, 7L))
        .containsEntry("averaged", true);
  }

  @Test
  void shouldHaveNoCandidateWhenNoShardTrainedFromTheServedVersion() {
    FederatedRound round =
        FederatedRound.of(2, 0, 6, List.of(update(0, 5, shifted(1), 10), update(1, 5, base, 10)));
    assertThat(round.candidate()).isNull();
    assertThat(round.toEvent(0).details()).containsEntry("averaged", false);
  }

  @Test
  void shouldCarryAShardUpdateWithItsTftModelThroughItsMessage() {
    TftModelOps ops = new TftModelOps(base);
    ShardUpdate<TftWeights> u = update(1, 3, shifted(0.5), 42);
    ShardUpdate<TftWeights> back = ShardMessage.update(ShardMessage.of(u, ops), ops);
    assertThat(back.parentVersion()).isEqualTo(3);
    assertThat(back.candidate().samples()).isEqualTo(42);
    assertThat(back.candidate().model()).isEqualTo(u.candidate().model());
  }
}
