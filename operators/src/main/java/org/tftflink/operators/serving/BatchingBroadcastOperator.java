package org.tftflink.operators.serving;

import java.util.List;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * Flink's keyed-broadcast operator around a {@link BatchedForecaster} (the job's {@code
 * HostForecaster}), plus what a function cannot do by itself: flush the inference batch before
 * every checkpoint barrier (so that no buffered request is lost or answered twice after a
 * recovery), at the end of the input, and on a processing-time timer armed when the first request
 * of a batch waits. A batch is flushed under whatever key is current (or none, from a timer), so
 * the function gets a {@link KeyScope} to write a host's keyed state.
 *
 * <p>Its event time is the metrics' alone. Flink's event time of a two-input operator is the
 * minimum over its active inputs, and a model topic without records (or with none for hours) has no
 * watermark, which would hold every step timer back forever. Model messages are not placed in event
 * time, so the model input is marked idle for good and its watermarks and status changes are
 * ignored. (Marking it +infinity instead made the operator's watermark jump to +infinity whenever
 * the metrics input went idle, closing every host's history as if the input had ended and turning
 * every later event into a late one.)
 */
public class BatchingBroadcastOperator
    extends CoBroadcastWithKeyedOperator<String, MetricPoint, byte[], Forecast> {

  private static final long serialVersionUID = 1L;

  /** Index of the broadcast (model) input in Flink's combined watermark status: 0 = first input. */
  private static final int MODEL_INPUT = 1;

  private static final int METRICS_INPUT = 0;

  private final long flushIntervalMillis;
  private transient boolean flushArmed;

  public <F extends KeyedBroadcastProcessFunction<String, MetricPoint, byte[], Forecast>>
      BatchingBroadcastOperator(F function, long flushIntervalMillis) {
    super(function, List.of(BatchedForecaster.MODEL_STATE));
    if (!(function instanceof BatchedForecaster)) {
      throw new IllegalArgumentException(
          function.getClass().getName()
              + " must implement "
              + BatchedForecaster.class.getSimpleName()
              + " to run in "
              + getClass().getSimpleName());
    }
    this.flushIntervalMillis = flushIntervalMillis;
  }

  private BatchedForecaster forecaster() {
    return (BatchedForecaster) getUserFunction();
  }

  @Override
  public void open() throws Exception {
    NativeMemoryWatch.start(getRuntimeContext());
    // before the function's open(), which builds the batcher on these
    forecaster()
        .attach(
            (forecast, timestamp) -> output.collect(new StreamRecord<>(forecast, timestamp)),
            this::armFlush,
            this::runAs,
            new SideOutputs() {
              @Override
              public <T> void emit(org.apache.flink.util.OutputTag<T> tag, T value, long ts) {
                output.collect(tag, new StreamRecord<>(value, ts));
              }
            });
    super.open();
    super.processWatermarkStatus(WatermarkStatus.IDLE, MODEL_INPUT);
  }

  /**
   * Answers the waiting requests before the watermark closes later steps, so every forecast has
   * left (and been recorded for sample maturing) before its host's next step can close.
   */
  @Override
  public void processWatermark1(Watermark mark) throws Exception {
    forecaster().flush();
    super.processWatermark1(mark);
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // the model input takes no part in event time (see the class comment)
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
    if (inputIndex != MODEL_INPUT) {
      super.processWatermarkStatus(status, inputIndex);
    }
    // the model input stays idle (see the class comment)
  }

  private void runAs(Object key, Runnable action) {
    Object previous = getCurrentKey();
    setCurrentKey(key);
    try {
      action.run();
    } finally {
      // a flush inside processElement or onTimer must leave that record's key in place
      if (previous != null) {
        setCurrentKey(previous);
      }
    }
  }

  private void armFlush() {
    if (flushArmed) {
      return;
    }
    flushArmed = true;
    long now = getProcessingTimeService().getCurrentProcessingTime();
    getProcessingTimeService()
        .registerTimer(
            now + flushIntervalMillis,
            time -> {
              flushArmed = false;
              forecaster().flush();
            });
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    forecaster().flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  /**
   * The end of the input: event time goes to +infinity, so that every open step closes and is
   * forecast, then the batch is flushed. Flink sends +infinity itself when a bounded input ends,
   * but a drain (stop-with-savepoint --drain) of a metrics input that is idle (quiet past {@code
   * watermark.idleness}) drops it on the way, and the last steps of every host stayed open: the
   * broker-restart and host-churn chaos scenarios lost their forecasts.
   */
  @Override
  public void finish() throws Exception {
    super.processWatermarkStatus(WatermarkStatus.ACTIVE, METRICS_INPUT);
    super.processWatermark1(Watermark.MAX_WATERMARK);
    forecaster().flush();
    super.finish();
  }
}
