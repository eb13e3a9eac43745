package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.forecast.ForecasterHarness.ENCODER;
import static org.tftflink.operators.forecast.ForecasterHarness.MAX_GAP;
import static org.tftflink.operators.forecast.ForecasterHarness.STEP;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * Hosts that report for a while and fall silent leave no keyed state and no timer behind on
 * RocksDB, counted key by key (RocksDB's own key estimates are not exact after overwrites and
 * deletes), with a TFT served and its forecasts waiting in batches when hosts expire.
 */
class HostChurnStateTest {

  private static final int CHURN = 50;

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> harness;

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void event(String host, long step) throws Exception {
    long ts = step * STEP + 10;
    harness.processElement(
        new MetricPoint(host, ts, new double[] {20 + step % 7}, new String[0], new byte[0])
            .from("metrics", 0, ts),
        ts);
  }

  /** Keys holding each keyed state of the operator, by state name. */
  private Map<String, Long> keysByState() throws Exception {
    KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
    Map<String, Long> out = new LinkedHashMap<>();
    for (String state :
        new String[] {
          HostForecaster.HISTORY_STATE,
          HostForecaster.OPEN_STEPS_STATE,
          HostForecaster.LAST_STEP_STATE,
          HostForecaster.PENDING_STATE
        }) {
      try (Stream<Object> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
        out.put(state, keys.count());
      }
    }
    return out;
  }

  @Test
  void shouldLeaveNoStateOfExpiredHostsOnRocksDbWhenTheyExpireInOneWatermarkJump()
      throws Exception {
    harness = ForecasterHarness.create(64);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.open();
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    // every host long enough for TFT forecasts, then all but "steady" fall silent
    long last = ENCODER + 2;
    for (long s = 0; s <= last; s++) {
      for (int h = 0; h < CHURN; h++) {
        event("churn-" + h, s);
      }
      event("steady", s);
      harness.processWatermark((s + 1) * STEP - 1);
    }
    assertThat(keysByState().get(HostForecaster.PENDING_STATE)).isEqualTo(CHURN + 1L);

    // the steady host moves event time past the gap in one jump (a consumer catching up)
    long until = last + MAX_GAP + 3;
    for (long s = last + 1; s <= until; s++) {
      event("steady", s);
    }
    harness.processWatermark((until + 1) * STEP - 1);
    harness.setProcessingTime(harness.getProcessingTime() + ForecasterHarness.FLUSH_MS + 1);

    assertThat(keysByState())
        .containsEntry(HostForecaster.HISTORY_STATE, 1L)
        .containsEntry(HostForecaster.LAST_STEP_STATE, 1L)
        .containsEntry(HostForecaster.PENDING_STATE, 1L);
    assertThat(keysByState().get(HostForecaster.OPEN_STEPS_STATE)).isLessThanOrEqualTo(1L);
    assertThat(harness.numEventTimeTimers()).isLessThanOrEqualTo(1);
  }
}
