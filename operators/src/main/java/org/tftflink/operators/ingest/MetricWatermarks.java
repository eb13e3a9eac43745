package org.tftflink.operators.ingest;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks for the metrics source: bounded out-of-orderness over the valid events of
 * each Kafka partition, with idleness so that a quiet partition does not hold the job back. Dead
 * letters carry no trustworthy event time, so they never move the watermark (a bogus timestamp far
 * in the future would otherwise make every later event late).
 */
public final class MetricWatermarks {

  private MetricWatermarks() {}

  public static WatermarkStrategy<IngestRecord> strategy(
      Duration outOfOrderness, Duration idleness) {
    long bound = outOfOrderness.toMillis();
    WatermarkStrategy<IngestRecord> strategy =
        WatermarkStrategy.<IngestRecord>forGenerator(ctx -> new ValidEventsOnly(bound))
            .withTimestampAssigner((r, kafkaTs) -> r.isValid() ? r.point.timestampMillis : kafkaTs);
    return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
  }

  /** Bounded out-of-orderness that ignores dead letters. */
  static final class ValidEventsOnly implements WatermarkGenerator<IngestRecord> {
    private final long bound;
    private long maxTimestamp;

    ValidEventsOnly(long bound) {
      this.bound = bound;
      this.maxTimestamp = Long.MIN_VALUE + bound + 1;
    }

    @Override
    public void onEvent(IngestRecord event, long timestamp, WatermarkOutput output) {
      if (event.isValid()) {
        maxTimestamp = Math.max(maxTimestamp, timestamp);
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
    }
  }
}
