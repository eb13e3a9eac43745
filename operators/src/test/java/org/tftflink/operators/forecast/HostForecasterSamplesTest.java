package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.forecast.ForecasterHarness.ENCODER;
import static org.tftflink.operators.forecast.ForecasterHarness.HORIZON;
import static org.tftflink.operators.forecast.ForecasterHarness.MAX_GAP;
import static org.tftflink.operators.forecast.ForecasterHarness.STEP;

import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.operators.ingest.MetricPoint;

/** Served TFT forecasts mature into training samples exactly when their horizon has closed. */
class HostForecasterSamplesTest {

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> harness;

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static double value(String host, long s) {
    return 20 + (s % 4) * 3 + host.charAt(0) % 5;
  }

  private void step(long s, Set<String> hosts) throws Exception {
    for (String host : hosts) {
      long ts = s * STEP + 10;
      harness.processElement(
          new MetricPoint(host, ts, new double[] {value(host, s)}, new String[0], new byte[0])
              .from("metrics", 0, ts),
          ts);
    }
    harness.processWatermark((s + 1) * STEP - 1);
  }

  private List<MaturedSample> samples() {
    var out = harness.getSideOutput(HostForecaster.SAMPLES);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  private static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldEmitASampleExactlyWhenItsHorizonMatures(String backend) throws Exception {
    harness = ForecasterHarness.create(1);
    harness.setStateBackend(backend(backend));
    harness.open();
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    // the TFT's first forecast is issued when step ENCODER - 1 closes (ENCODER rows held)
    long origin = ENCODER - 1;
    for (long s = 0; s < origin + HORIZON; s++) {
      step(s, Set.of("a", "b"));
    }
    assertThat(samples()).isEmpty();
    Forecast servedForA =
        harness.extractOutputValues().stream()
            .filter(f -> f.host().equals("a") && f.model().kind().equals(ModelRef.TFT))
            .findFirst()
            .orElseThrow();

    step(origin + HORIZON, Set.of("a", "b"));

    assertThat(samples()).extracting(MaturedSample::host).containsExactlyInAnyOrder("a", "b");
    MaturedSample a = samples().stream().filter(x -> x.host().equals("a")).findFirst().get();
    assertThat(a.originMs()).isEqualTo((origin + 1) * STEP).isEqualTo(servedForA.issuedAtMillis());
    assertThat(a.servedVersion()).isEqualTo(1);
    assertThat(a.served()).isDeepEqualTo(servedForA.values());
    assertThat(a.sample().futureTarget())
        .containsExactly(value("a", origin + 1), value("a", origin + 2), value("a", origin + 3));
    assertThat(a.sample().window().targetHistory())
        .containsExactly(
            java.util.stream.LongStream.range(0, ENCODER)
                .mapToDouble(s -> value("a", s))
                .toArray());

    step(origin + HORIZON + 1, Set.of("a", "b"));
    assertThat(samples()).hasSize(4); // one more per host and step from now on
  }

  @Test
  void shouldMarkAMissingActualAsNaN() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    long origin = ENCODER - 1;
    for (long s = 0; s <= origin + HORIZON; s++) {
      step(s, s == origin + 2 ? Set.of() : Set.of("a"));
    }

    assertThat(samples()).hasSize(1);
    double[] actuals = samples().get(0).sample().futureTarget();
    assertThat(actuals[0]).isEqualTo(value("a", origin + 1));
    assertThat(actuals[1]).isNaN();
    assertThat(actuals[2]).isEqualTo(value("a", origin + 3));
  }

  @Test
  void shouldClearPendingForecastsWhenAHostExpires() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    for (long s = 0; s < ENCODER + 1; s++) {
      step(s, Set.of("a"));
    }
    assertThat(ForecasterHarness.keyedStateEntries(harness)).isPositive();

    for (long s = ENCODER + 1; s < ENCODER + 1 + MAX_GAP + 1; s++) {
      step(s, Set.of());
    }

    assertThat(ForecasterHarness.keyedStateEntries(harness)).isZero();
  }

  @Test
  void shouldKeepNoPendingForecastOfAHostThatExpiredWhileItWaitedInTheBatch() throws Exception {
    // a batch larger than one host's requests: a forecast waits there until the next flush
    harness = ForecasterHarness.open(64);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    for (long s = 0; s < ENCODER + 1; s++) {
      step(s, Set.of("a"));
    }
    assertThat(ForecasterHarness.keyedStateEntries(harness)).isPositive();

    // one watermark far ahead (a catch-up after idleness): every imputed step, a TFT request and
    // the expiry happen within it, before any flush
    harness.processWatermark((ENCODER + 1 + MAX_GAP + 2) * STEP);
    harness.setProcessingTime(harness.getProcessingTime() + ForecasterHarness.FLUSH_MS + 1);

    assertThat(ForecasterHarness.keyedStateEntries(harness)).isZero();
  }

  @Test
  void shouldMatureAtOnceAForecastWhoseHorizonClosedWhileItWaitedInTheBatch() throws Exception {
    harness = ForecasterHarness.open(64);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    for (long s = 0; s < ENCODER + 1; s++) {
      step(s, Set.of("a"));
    }
    // the host's next HORIZON + 1 steps arrive, then one watermark closes them all: the forecast
    // of the first is still in the batch when its horizon closes
    long from = ENCODER + 1;
    for (long s = from; s <= from + HORIZON; s++) {
      long ts = s * STEP + 10;
      harness.processElement(
          new MetricPoint("a", ts, new double[] {value("a", s)}, new String[0], new byte[0])
              .from("metrics", 0, ts),
          ts);
    }
    harness.processWatermark((from + HORIZON + 1) * STEP - 1);
    int before = samples().size();
    harness.setProcessingTime(harness.getProcessingTime() + ForecasterHarness.FLUSH_MS + 1);

    // the forecast issued at the first of those steps leaves the batch with its horizon closed:
    // its sample comes at once, from the history (a replay loses no sample to batching)
    assertThat(samples().subList(before, samples().size()))
        .extracting(MaturedSample::originMs)
        .containsExactly((from + 1) * STEP);
    MaturedSample late = samples().get(samples().size() - 1);
    assertThat(late.sample().futureTarget())
        .containsExactly(value("a", from + 1), value("a", from + 2), value("a", from + 3));
    for (long s = from + HORIZON + 1; s < from + 3 * HORIZON; s++) {
      step(s, Set.of("a"));
    }
    harness.setProcessingTime(harness.getProcessingTime() + ForecasterHarness.FLUSH_MS + 1);
    // and it was not kept waiting: only the last HORIZON forecasts wait
    assertThat(pendingOrigins("a"))
        .hasSize(HORIZON)
        .allMatch(o -> o > from + 3 * HORIZON - 1 - HORIZON);
  }

  /** The origin steps of the host's waiting forecasts, read from its keyed state. */
  private List<Long> pendingOrigins(String host) throws Exception {
    var backend = harness.getOperator().getKeyedStateBackend();
    Object previous = backend.getCurrentKey();
    backend.setCurrentKey(host);
    try {
      MapState<Long, PendingForecast> pending =
          backend.getPartitionedState(
              VoidNamespace.INSTANCE,
              VoidNamespaceSerializer.INSTANCE,
              new MapStateDescriptor<>(
                  SampleMaturer.PENDING_STATE,
                  Types.LONG,
                  TypeInformation.of(PendingForecast.class)));
      List<Long> out = new java.util.ArrayList<>();
      pending.keys().forEach(out::add);
      return out;
    } finally {
      if (previous != null) {
        backend.setCurrentKey(previous);
      }
    }
  }
}
