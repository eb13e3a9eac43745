package org.tftflink.operators.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.junit.jupiter.api.Test;
import org.tftflink.operators.forecast.ForecasterHarness;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * The model input takes no part in event time: an idle metrics input must hold the watermark where
 * it is, not let the model side carry it to +infinity (which would close every history as if the
 * input had ended and make every later event late).
 */
class ModelInputEventTimeTest {

  private static StreamRecord<MetricPoint> point(String host, long ts, double cpu) {
    return new StreamRecord<>(
        new MetricPoint(host, ts, new double[] {cpu}, new String[0], new byte[] {1})
            .from("metrics", 0, ts),
        ts);
  }

  @Test
  void shouldKeepTheWatermarkWhenTheMetricsInputGoesIdle() throws Exception {
    var harness = ForecasterHarness.open(1);
    long step = ForecasterHarness.STEP;
    harness.processElement(point("a", 10, 1));
    harness.processWatermark(step - 1);
    AbstractStreamOperator<?> operator = (AbstractStreamOperator<?>) harness.getOperator();

    operator.processWatermarkStatus1(WatermarkStatus.IDLE);
    operator.processWatermarkStatus1(WatermarkStatus.ACTIVE);
    harness.processElement(point("a", step + 10, 2));

    assertThat(harness.getOutput())
        .filteredOn(o -> o instanceof Watermark)
        .extracting(o -> ((Watermark) o).getTimestamp())
        .doesNotContain(Long.MAX_VALUE);
    assertThat(harness.getSideOutput(HostForecaster.LATE)).isNullOrEmpty();
    harness.close();
  }
}
