package org.tftflink.operators.forecast;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.grid.StepGridConfig.Aggregation;
import org.tftflink.model.grid.StepGridConfig.DuplicatePolicy;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.ServingConfig;

/**
 * The inference operator in Flink's keyed-broadcast test harness, with a tiny grid, baseline and
 * TFT.
 */
public final class ForecasterHarness {

  public static final long STEP = 300_000;
  public static final int MAX_GAP = 3;
  public static final int HORIZON = 3;
  public static final int ENCODER = 6;
  public static final long FLUSH_MS = 200;

  private ForecasterHarness() {}

  public static StepGridConfig grid() {
    return new StepGridConfig(
        Duration.ofMillis(STEP),
        "cpu",
        List.of(),
        Aggregation.MEAN,
        DuplicatePolicy.KEEP_LAST,
        Duration.ZERO,
        MAX_GAP,
        20);
  }

  public static BaselineConfig baseline() {
    return new BaselineConfig(HORIZON, 4, 8, 2, new double[] {0.1, 0.5, 0.9});
  }

  /** An opened harness; the model side sends no watermark, as in the job. */
  public static KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> open(
      int batchSize) throws Exception {
    var h = create(batchSize);
    h.open();
    return h;
  }

  /** A harness not yet opened, e.g. to initialize it from a snapshot first. */
  public static KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> create(
      int batchSize) throws Exception {
    return create(new ServingConfig(batchSize, Duration.ofMillis(FLUSH_MS), List.of()));
  }

  /** A harness not yet opened, serving with {@code serving} (its flush interval FLUSH_MS). */
  public static KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> create(
      ServingConfig serving) throws Exception {
    var forecaster =
        new HostForecaster(grid(), new SeasonalNaiveForecaster(baseline()), 2, serving);
    return new KeyedBroadcastOperatorTestHarness<>(
        new BatchingBroadcastOperator(forecaster, FLUSH_MS), p -> p.host, Types.STRING, 128, 1, 0);
  }

  public static int keyedStateEntries(
      KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> h) {
    return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  /**
   * A tiny TFT that fits the harness's job: horizon 3, encoder 6, the job's quantiles, host as
   * static.
   */
  public static TftConfig tinyConfig() {
    return TftConfig.builder()
        .hiddenSize(4)
        .attentionHeads(1)
        .hiddenContinuousSize(2)
        .encoderLength(ENCODER)
        .horizon(HORIZON)
        .observedReals(1)
        .knownReals(2)
        .staticCategoricals(1)
        .hashBuckets(8)
        .staticReals(0)
        .dropout(0.0)
        .dataType("FLOAT")
        .seed(7)
        .build();
  }

  /**
   * The envelope of a fresh tiny model (weights from {@code seed}) as version {@code version} of
   * {@code epoch}.
   */
  public static byte[] envelope(TftConfig config, long version, long epoch) {
    TftModel model =
        TftModel.create(config.toBuilder().seed(version).build(), FeatureScaler.identity(config));
    return ModelDataSerializer.serialize(
        ModelData.of(
            model,
            version,
            epoch,
            version - 1,
            ModelData.NONE,
            0,
            Map.of("stepMillis", (double) STEP),
            Map.of()));
  }

  public static byte[] envelope(long version, long epoch) {
    return envelope(tinyConfig(), version, epoch);
  }
}
