package org.tftflink.operators.serving;

import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The serving metrics of one inference subtask, in its operator metric group (web UI and any
 * reporter): the served model's version and epoch, forecasts out (count and rate, by kind), batch
 * sizes, inference latency per batch and model messages rejected or accepted.
 */
public final class ServingMetrics {

  /** Histograms keep the last this many samples. */
  private static final int WINDOW = 1_000;

  public final Counter forecastsOut;
  public final Meter forecastsPerSecond;
  public final Counter tftForecasts;
  public final Counter baselineForecasts;
  public final Histogram batchSize;
  public final Histogram inferenceLatencyMs;
  public final Counter rejectedModelMessages;
  public final Counter acceptedModelMessages;

  public ServingMetrics(MetricGroup group, LongSupplier modelVersion, LongSupplier modelEpoch) {
    forecastsOut = group.counter("forecastsOut");
    forecastsPerSecond = group.meter("forecastsPerSecond", new MeterView(forecastsOut));
    tftForecasts = group.counter("tftForecastsOut");
    baselineForecasts = group.counter("baselineForecastsOut");
    batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
    inferenceLatencyMs = group.histogram("inferenceLatency", new DescriptiveStatisticsHistogram(WINDOW));
    rejectedModelMessages = group.counter("rejectedModelMessages");
    acceptedModelMessages = group.counter("acceptedModelMessages");
    // -1 while the baseline is served
    group.gauge("modelVersion", () -> modelVersion.getAsLong());
    group.gauge("modelEpoch", () -> modelEpoch.getAsLong());
  }
}
