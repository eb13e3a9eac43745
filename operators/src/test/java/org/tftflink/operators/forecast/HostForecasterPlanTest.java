package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.tftflink.operators.forecast.ForecasterHarness.ENCODER;
import static org.tftflink.operators.forecast.ForecasterHarness.FLUSH_MS;
import static org.tftflink.operators.forecast.ForecasterHarness.STEP;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.online.canary.CanaryHosts;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.ServingConfig;
import org.tftflink.operators.serving.ServingModelState;

/** Serving plans: an ensemble's weighted forecast, and a canary served by host hash. */
class HostForecasterPlanTest {

  private static final List<String> HOSTS = hosts(16);
  private static final double SHARE = 0.4;

  private final List<KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast>>
      open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (var h : open) {
      h.close();
    }
  }

  private static List<String> hosts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("h" + i);
    }
    return out;
  }

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> harness(
      ServingConfig serving, String backend) throws Exception {
    var h = ForecasterHarness.create(serving);
    h.setStateBackend(backend(backend));
    open.add(h);
    return h;
  }

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> opened(
      ServingConfig serving) throws Exception {
    var h = harness(serving, "heap");
    h.open();
    return h;
  }

  private static ServingConfig serving(int maxModels) {
    return new ServingConfig(
        1,
        Duration.ofMillis(FLUSH_MS),
        List.of(),
        org.tftflink.model.tft.envelope.SignaturePolicy.none(),
        maxModels);
  }

  private static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  private static void steps(
      KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> h,
      long from,
      long to)
      throws Exception {
    for (long s = from; s < to; s++) {
      for (String host : HOSTS) {
        long ts = s * STEP + 10;
        h.processElement(
            new MetricPoint(
                    host,
                    ts,
                    new double[] {10 + (s % 5) + host.length()},
                    new String[0],
                    new byte[0])
                .from("metrics", 0, ts),
            ts);
      }
      h.processWatermark((s + 1) * STEP - 1);
    }
  }

  private static ModelData model(long version, long epoch) {
    return ModelDataSerializer.deserialize(ForecasterHarness.envelope(version, epoch));
  }

  private static byte[] ensemble(long epoch, double... weights) {
    List<ModelData> members = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      members.add(model(weights.length - i, epoch)); // newest first
    }
    ServingPlan.Group g = new ServingPlan.Group(members, weights);
    return ServingPlanSerializer.serialize(new ServingPlan(epoch, g.version(), g, null, 0));
  }

  private static byte[] canary(long epoch, long stable, long canary) {
    return ServingPlanSerializer.serialize(
        new ServingPlan(
            epoch,
            canary,
            ServingPlan.Group.of(model(stable, epoch)),
            ServingPlan.Group.of(model(canary, epoch)),
            SHARE));
  }

  private static List<Forecast> tft(
      KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> h) {
    return h.extractOutputValues().stream()
        .filter(f -> f.model().kind().equals(ModelRef.TFT))
        .toList();
  }

  /** Host to the versions of its TFT forecasts issued at or after {@code fromStep}. */
  private static Map<String, List<Long>> versionsByHost(
      KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> h, long fromStep) {
    return tft(h).stream()
        .filter(f -> f.issuedAtMillis() >= fromStep * STEP)
        .collect(
            Collectors.groupingBy(
                Forecast::host, Collectors.mapping(f -> f.model().version(), Collectors.toList())));
  }

  @Test
  void shouldServeTheWeightedAverageOfTheEnsemblesMembersQuantiles() throws Exception {
    var one = opened(serving(6));
    var two = opened(serving(6));
    var both = opened(serving(6));
    one.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    two.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0);
    both.processBroadcastElement(ensemble(1, 0.75, 0.25), 0); // version 2 weighs 0.75

    for (var h : List.of(one, two, both)) {
      steps(h, 0, ENCODER + 2);
    }

    List<Forecast> a = tft(one);
    List<Forecast> b = tft(two);
    List<Forecast> mixed = tft(both);
    assertThat(mixed).hasSameSizeAs(a).isNotEmpty();
    for (int i = 0; i < mixed.size(); i++) {
      assertThat(mixed.get(i).model()).isEqualTo(new ModelRef(ModelRef.TFT, 2, 1, null));
      double[][] m = mixed.get(i).values();
      for (int t = 0; t < m.length; t++) {
        for (int q = 0; q < m[t].length; q++) {
          double expected = 0.75 * b.get(i).values()[t][q] + 0.25 * a.get(i).values()[t][q];
          assertThat(m[t][q]).isCloseTo(expected, within(1e-9));
        }
      }
    }
    // the members really differ, so the average is not one of them
    assertThat(a.get(0).values()[0][1]).isNotEqualTo(b.get(0).values()[0][1]);
  }

  @Test
  void shouldRejectAPlanWithMoreModelsThanServingKeeps() throws Exception {
    var h = opened(serving(2));
    h.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);

    h.processBroadcastElement(ensemble(1, 1, 1, 1), 0);
    steps(h, 0, ENCODER + 1);

    assertThat(tft(h)).isNotEmpty().allSatisfy(f -> assertThat(f.model().version()).isEqualTo(1));
    assertThat(forecaster(h).rejectedModelMessages()).isEqualTo(1);
  }

  @Test
  void shouldServeTheCanaryVersionOnlyToTheCanaryHostsThenToAllOnItsFullRollout() throws Exception {
    var h = opened(serving(6));
    h.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(h, 0, ENCODER);

    h.processBroadcastElement(canary(1, 1, 2), 0);
    steps(h, ENCODER, ENCODER + 2);

    Map<String, List<Long>> during = versionsByHost(h, ENCODER + 1);
    assertThat(during).hasSize(HOSTS.size());
    List<String> canaryHosts =
        HOSTS.stream().filter(host -> CanaryHosts.inCanary(host, SHARE)).toList();
    assertThat(canaryHosts).isNotEmpty().hasSizeLessThan(HOSTS.size());
    during.forEach(
        (host, versions) ->
            assertThat(versions)
                .as(host)
                .containsOnly(CanaryHosts.inCanary(host, SHARE) ? 2L : 1L));

    // the full rollout of version 2 (same epoch and version, no canary) is newer than its canary
    h.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0);
    h.processBroadcastElement(canary(1, 1, 2), 0); // a replayed canary: not newer any more
    steps(h, ENCODER + 2, ENCODER + 3);

    assertThat(versionsByHost(h, ENCODER + 3).values())
        .hasSize(HOSTS.size())
        .allSatisfy(v -> assertThat(v).containsOnly(2L));
    assertThat(forecaster(h).rejectedModelMessages()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldKeepEachHostsCanaryGroupAcrossASnapshotAndRestore(String backend) throws Exception {
    var h = harness(serving(6), backend);
    h.open();
    h.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    h.processBroadcastElement(canary(1, 1, 2), 0);
    steps(h, 0, ENCODER + 1);
    OperatorSubtaskState snapshot = h.snapshot(1, 1);
    Map<String, List<Long>> before = versionsByHost(h, ENCODER);

    var restored = harness(serving(6), backend);
    restored.initializeState(snapshot);
    restored.open();
    restored.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0); // abandoned timeline
    steps(restored, ENCODER + 1, ENCODER + 2);

    Map<String, List<Long>> after = versionsByHost(restored, ENCODER + 2);
    assertThat(after).hasSize(HOSTS.size());
    after.forEach((host, v) -> assertThat(v).as(host).containsOnly(before.get(host).get(0)));
    ServingModelState state =
        restored.getBroadcastState(HostForecaster.MODEL_STATE).get(HostForecaster.SERVED_KEY);
    assertThat(state.canary).isTrue();
    assertThat(state.version).isEqualTo(2);

    // the trainer's republished canary under the new epoch is accepted, with the same groups
    restored.processBroadcastElement(canary(2, 1, 2), 0);
    steps(restored, ENCODER + 2, ENCODER + 3);
    assertThat(
            tft(restored).stream()
                .filter(f -> f.issuedAtMillis() == (ENCODER + 3) * STEP)
                .map(Forecast::model))
        .hasSize(HOSTS.size())
        .allSatisfy(m -> assertThat(m.epoch()).isEqualTo(2));
  }

  private static HostForecaster forecaster(
      KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> h) {
    return (HostForecaster) ((BatchingBroadcastOperator) h.getOperator()).getUserFunction();
  }
}
