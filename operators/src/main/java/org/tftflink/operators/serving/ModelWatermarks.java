package org.tftflink.operators.serving;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of the model topic: always +infinity. An operator's event time is the minimum over its
 * inputs, so a model stream without watermarks would hold the metrics' event time (and every step
 * timer) back forever; model messages are not placed in event time, so they hold nothing back.
 */
public final class ModelWatermarks {

  private ModelWatermarks() {}

  public static WatermarkStrategy<byte[]> strategy() {
    return WatermarkStrategy.forGenerator(ctx -> new Unbounded());
  }

  private static final class Unbounded implements WatermarkGenerator<byte[]> {
    @Override
    public void onEvent(byte[] event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      output.emitWatermark(new Watermark(Long.MAX_VALUE));
    }
  }
}
