package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.forecast.ForecasterHarness.HORIZON;
import static org.tftflink.operators.forecast.ForecasterHarness.STEP;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.ServingConfig;

/**
 * A layout-3 snapshot (ring of max(encoder, baseline) = 12 rows, no pending forecasts) restored by
 * the layout-4 operator: histories and the served model come back, the ring grows to encoder +
 * horizon on the next closed step, and training samples mature from then on.
 */
class Layout3MigrationTest {

  private static final int NEW_CAPACITY = Layout3Snapshots.ENCODER + HORIZON;

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldRestoreALayout3SnapshotAndMatureSamplesFromTheGrownRing(String backend)
      throws Exception {
    StepGridConfig old = Layout3Snapshots.oldGrid();
    StepGridConfig grid =
        new StepGridConfig(
            old.step(),
            old.target(),
            old.covariates(),
            old.aggregation(),
            old.duplicates(),
            old.allowedLateness(),
            old.maxGapSteps(),
            NEW_CAPACITY);
    var forecaster =
        new HostForecaster(
            grid,
            new SeasonalNaiveForecaster(ForecasterHarness.baseline()),
            2,
            new ServingConfig(1, Duration.ofMillis(ForecasterHarness.FLUSH_MS), List.of()));
    StateBackend state =
        backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    String file =
        getClass().getClassLoader().getResource(Layout3Snapshots.resource(backend)).getFile();
    try (var h =
        new KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast>(
            new BatchingBroadcastOperator(forecaster, ForecasterHarness.FLUSH_MS),
            p -> p.host,
            Types.STRING,
            128,
            1,
            0)) {
      h.setStateBackend(state);
      h.initializeState(OperatorSnapshotUtil.readStateHandle(file));
      h.open();

      long first = Layout3Snapshots.STEPS;
      for (long s = first; s < first + HORIZON + 1; s++) {
        for (String host : List.of("a", "b")) {
          long ts = s * STEP + 10;
          h.processElement(
              new MetricPoint(
                      host,
                      ts,
                      new double[] {Layout3Snapshots.value(host, s)},
                      new String[0],
                      new byte[0])
                  .from("metrics", 0, ts),
              ts);
        }
        h.processWatermark((s + 1) * STEP - 1);
      }

      // the restored model serves the restored histories at once: no cold start
      assertThat(h.extractOutputValues())
          .hasSize(2 * (HORIZON + 1))
          .allSatisfy(f -> assertThat(f.model()).isEqualTo(new ModelRef(ModelRef.TFT, 1, 1, null)));
      // the first forecast after the restore (origin = first) matures when first + HORIZON closes
      List<MaturedSample> samples =
          h.getSideOutput(HostForecaster.SAMPLES).stream().map(StreamRecord::getValue).toList();
      assertThat(samples).extracting(MaturedSample::host).containsExactlyInAnyOrder("a", "b");
      MaturedSample a = samples.stream().filter(x -> x.host().equals("a")).findFirst().get();
      assertThat(a.originMs()).isEqualTo((first + 1) * STEP);
      assertThat(a.sample().window().targetHistory())
          .containsExactly(
              LongStream.rangeClosed(first - Layout3Snapshots.ENCODER + 1, first)
                  .mapToDouble(s -> Layout3Snapshots.value("a", s))
                  .toArray());
      assertThat(a.sample().futureTarget())
          .containsExactly(
              LongStream.rangeClosed(first + 1, first + HORIZON)
                  .mapToDouble(s -> Layout3Snapshots.value("a", s))
                  .toArray());
    }
  }
}
