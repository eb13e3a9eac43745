package org.tftflink.operators.serving;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The serving metrics of one inference subtask, in its operator metric group (web UI and any
 * reporter): the served model's version and epoch, forecasts out (count and rate, by kind), batch
 * sizes, inference latency per batch and model messages rejected or accepted; plus two job
 * accumulators (TFT forecasts, milliseconds spent in the model) that benchmarks read at the end.
 */
public final class ServingMetrics {

  /** Accumulator: TFT forecasts emitted by the job. */
  public static final String TFT_FORECASTS = "forecasts-tft";

  /** Accumulator: wall milliseconds spent in model calls, summed over subtasks. */
  public static final String INFERENCE_MILLIS = "inference-ms";

  /** Model messages accepted, summed over subtasks (each subtask accepts every broadcast model). */
  public static final String MODELS_ACCEPTED = "models-accepted";

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
  public final LongCounter tftForecastsTotal;
  public final LongCounter inferenceMillisTotal;
  public final LongCounter modelsAcceptedTotal;

  public ServingMetrics(
      RuntimeContext context, LongSupplier modelVersion, LongSupplier modelEpoch) {
    MetricGroup group = context.getMetricGroup();
    tftForecastsTotal = context.getLongCounter(TFT_FORECASTS);
    inferenceMillisTotal = context.getLongCounter(INFERENCE_MILLIS);
    modelsAcceptedTotal = context.getLongCounter(MODELS_ACCEPTED);
    forecastsOut = group.counter("forecastsOut");
    forecastsPerSecond = group.meter("forecastsPerSecond", new MeterView(forecastsOut));
    tftForecasts = group.counter("tftForecastsOut");
    baselineForecasts = group.counter("baselineForecastsOut");
    batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
    inferenceLatencyMs =
        group.histogram("inferenceLatency", new DescriptiveStatisticsHistogram(WINDOW));
    rejectedModelMessages = group.counter("rejectedModelMessages");
    acceptedModelMessages = group.counter("acceptedModelMessages");
    // -1 while the baseline is served
    group.gauge("modelVersion", () -> modelVersion.getAsLong());
    group.gauge("modelEpoch", () -> modelEpoch.getAsLong());
  }
}
