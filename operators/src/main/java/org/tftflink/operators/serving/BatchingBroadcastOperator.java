package org.tftflink.operators.serving;

import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * Flink's keyed-broadcast operator around {@link HostForecaster}, plus what a function cannot do by
 * itself: flush the inference batch before every checkpoint barrier (so that no buffered request
 * is lost or answered twice after a recovery), at the end of the input, and on a processing-time
 * timer armed when the first request of a batch waits.
 *
 * <p>Its event time is the metrics' alone. Flink's event time of a two-input operator is the
 * minimum over both inputs, and a model topic without records (or with none for hours) has no
 * watermark, which would hold every step timer back forever; model messages are not placed in event
 * time, so the model input counts as +infinity and its watermarks are ignored.
 */
public class BatchingBroadcastOperator extends CoBroadcastWithKeyedOperator<String, MetricPoint, byte[], Forecast> {

  private static final long serialVersionUID = 1L;

  private final long flushIntervalMillis;
  private transient boolean flushArmed;

  public BatchingBroadcastOperator(HostForecaster function, long flushIntervalMillis) {
    super(function, List.of(HostForecaster.MODEL_STATE));
    this.flushIntervalMillis = flushIntervalMillis;
  }

  private HostForecaster forecaster() {
    return (HostForecaster) getUserFunction();
  }

  @Override
  public void open() throws Exception {
    // before the function's open(), which builds the batcher on these
    forecaster().attach((forecast, timestamp) -> output.collect(new StreamRecord<>(forecast, timestamp)),
        this::armFlush);
    super.open();
    super.processWatermark2(Watermark.MAX_WATERMARK);
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // the model input stays at +infinity (see the class comment)
  }

  private void armFlush() {
    if (flushArmed) {
      return;
    }
    flushArmed = true;
    long now = getProcessingTimeService().getCurrentProcessingTime();
    getProcessingTimeService().registerTimer(now + flushIntervalMillis, time -> {
      flushArmed = false;
      forecaster().flush();
    });
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    forecaster().flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    forecaster().flush();
    super.finish();
  }
}
