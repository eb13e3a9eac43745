package org.tftflink.operators.forecast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.ServingConfig;

/**
 * The state of {@code host-history-forecast} as layout 3 wrote it (history ring of {@code
 * max(encoder, baseline history)} = 12 rows, no pending forecasts), for the migration test. The
 * files under {@code src/test/resources/layout3/} were written by {@link #main} with the operator
 * code of ce30b81 (layout 3), before layout 4; they must not be regenerated with newer code.
 */
public final class Layout3Snapshots {

  /** The TFT of the snapshot: the harness's tiny model with a 12-step encoder. */
  public static final int ENCODER = 12;

  /** The ring capacity layout 3 gave it: max(encoder 12, baseline history 4 + 8). */
  public static final int OLD_CAPACITY = 12;

  /** Steps 0..STEPS-1 of hosts a and b were closed with model v1 (epoch 1) served. */
  public static final int STEPS = 16;

  private Layout3Snapshots() {}

  public static String resource(String backend) {
    return "layout3/host-history-forecast-" + backend + ".snapshot";
  }

  static StepGridConfig oldGrid() {
    StepGridConfig g = ForecasterHarness.grid();
    return new StepGridConfig(
        g.step(),
        g.target(),
        g.covariates(),
        g.aggregation(),
        g.duplicates(),
        g.allowedLateness(),
        g.maxGapSteps(),
        OLD_CAPACITY);
  }

  public static org.tftflink.model.tft.TftConfig tftConfig() {
    return ForecasterHarness.tinyConfig().toBuilder().encoderLength(ENCODER).build();
  }

  /** The value host {@code host} reports in step {@code s}. */
  public static double value(String host, long s) {
    return 10 + (s % 5) * 2 + host.charAt(0) % 3;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    write(new HashMapStateBackend(), dir.resolve("host-history-forecast-heap.snapshot"));
    write(new EmbeddedRocksDBStateBackend(), dir.resolve("host-history-forecast-rocksdb.snapshot"));
  }

  private static void write(StateBackend backend, Path file) throws Exception {
    var forecaster =
        new HostForecaster(
            oldGrid(),
            new SeasonalNaiveForecaster(ForecasterHarness.baseline()),
            2,
            new ServingConfig(1, Duration.ofMillis(ForecasterHarness.FLUSH_MS), List.of()));
    try (var h =
        new KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast>(
            new BatchingBroadcastOperator(forecaster, ForecasterHarness.FLUSH_MS),
            p -> p.host,
            Types.STRING,
            128,
            1,
            0)) {
      h.setStateBackend(backend);
      h.open();
      h.processBroadcastElement(ForecasterHarness.envelope(tftConfig(), 1, 1), 0);
      for (long s = 0; s < STEPS; s++) {
        for (String host : List.of("a", "b")) {
          long ts = s * ForecasterHarness.STEP + 10;
          h.processElement(
              new MetricPoint(host, ts, new double[] {value(host, s)}, new String[0], new byte[0])
                  .from("metrics", 0, ts),
              ts);
        }
        h.processWatermark((s + 1) * ForecasterHarness.STEP - 1);
      }
      OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), file.toString());
    }
  }
}
