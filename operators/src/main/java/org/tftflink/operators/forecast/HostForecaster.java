package org.tftflink.operators.forecast;

import java.time.Instant;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.event.DeadLetterReason;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.grid.StepAccumulator;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * Keeps each host's history on the step grid in keyed state and issues one forecast per host per
 * step. Events are buffered per open step; an event-time timer closes a step once the watermark
 * passes its end plus the allowed lateness, appends it to the history ring and forecasts. A step
 * without data is imputed (carried forward, flagged missing) and still forecast, up to {@code
 * maxGapSteps}; one more missing step clears the host's state, so a host that stops reporting
 * leaves nothing behind and one that comes back starts afresh. Events for a closed step are late:
 * counted and dead-lettered with reason {@code late}.
 *
 * <p>At the end of a bounded input (watermark at +infinity) open steps are closed, but no step is
 * imputed: nothing is invented after the data ends.
 */
public class HostForecaster extends KeyedProcessFunction<String, MetricPoint, Forecast> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events") {};

  /** State names are part of the savepoint layout (savepoints-docs/). */
  public static final String HISTORY_STATE = "history";
  public static final String OPEN_STEPS_STATE = "open-steps";

  public static final String ACCEPTED = "accepted";
  public static final String LATE_EVENTS = "late";
  public static final String DUPLICATES = "duplicates";
  public static final String FORECASTS = "forecasts";

  private final StepGridConfig grid;
  private final SeasonalNaiveForecaster baseline;
  private final int minHistorySteps;

  private transient ValueState<HostHistory> history;
  private transient MapState<Long, StepAccumulator> openSteps;
  private transient Counter acceptedCount;
  private transient Counter lateCount;
  private transient Counter duplicateCount;
  private transient Counter forecastCount;
  private transient Counter imputedCount;
  private transient Counter expiredCount;
  private transient LongCounter acceptedTotal;
  private transient LongCounter lateTotal;
  private transient LongCounter duplicatesTotal;
  private transient LongCounter forecastsTotal;

  public HostForecaster(StepGridConfig grid, SeasonalNaiveForecaster baseline, int minHistorySteps) {
    if (baseline.config().historySteps() > grid.capacitySteps()) {
      throw new IllegalArgumentException(
          "history capacity " + grid.capacitySteps() + " is shorter than the baseline needs ("
              + baseline.config().historySteps() + " steps: a season plus its residual window)");
    }
    if (minHistorySteps < 1) {
      throw new IllegalArgumentException("min history steps must be >= 1, got " + minHistorySteps);
    }
    this.grid = grid;
    this.baseline = baseline;
    this.minHistorySteps = minHistorySteps;
  }

  @Override
  public void open(OpenContext openContext) {
    history = getRuntimeContext().getState(new ValueStateDescriptor<>(HISTORY_STATE, TypeInformation.of(HostHistory.class)));
    openSteps =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>(OPEN_STEPS_STATE, Types.LONG, TypeInformation.of(StepAccumulator.class)));
    var metrics = getRuntimeContext().getMetricGroup();
    acceptedCount = metrics.counter("eventsAccepted");
    lateCount = metrics.counter("eventsLate");
    duplicateCount = metrics.counter("eventsDuplicate");
    forecastCount = metrics.counter("forecastsOut");
    imputedCount = metrics.counter("stepsImputed");
    expiredCount = metrics.counter("hostsExpired");
    acceptedTotal = getRuntimeContext().getLongCounter(ACCEPTED);
    lateTotal = getRuntimeContext().getLongCounter(LATE_EVENTS);
    duplicatesTotal = getRuntimeContext().getLongCounter(DUPLICATES);
    forecastsTotal = getRuntimeContext().getLongCounter(FORECASTS);
  }

  @Override
  public void processElement(MetricPoint point, Context ctx, Collector<Forecast> out) throws Exception {
    long step = grid.stepOf(point.timestampMillis);
    long watermark = ctx.timerService().currentWatermark();
    HostHistory h = history.value();
    if ((h != null && step <= h.lastStep) || grid.closeTimeOf(step) <= watermark) {
      lateCount.inc();
      lateTotal.add(1);
      ctx.output(LATE, lateLetter(point, step, watermark));
      return;
    }
    StepAccumulator acc = openSteps.get(step);
    if (acc == null) {
      acc = new StepAccumulator(grid.columns());
      ctx.timerService().registerEventTimeTimer(grid.closeTimeOf(step));
    }
    if (acc.add(point.timestampMillis, point.values, grid.duplicates())) {
      duplicateCount.inc();
      duplicatesTotal.add(1);
    }
    if (point.tags != null && point.tags.length > 0) {
      acc.tags = point.tags;
    }
    openSteps.put(step, acc);
    acceptedCount.inc();
    acceptedTotal.add(1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out) throws Exception {
    long step = grid.stepClosedAt(timestamp);
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    HostHistory h = history.value();
    StepAccumulator acc = openSteps.get(step);
    if (acc != null) {
      openSteps.remove(step);
      h = closeObservedStep(h, step, acc);
    } else if (h != null && step == h.lastStep + 1 && !endOfInput) {
      if (h.missingRun >= grid.maxGapSteps()) {
        expire();
        return;
      }
      h.imputeNext();
      imputedCount.inc();
    } else {
      return; // a step that was already closed, or no history: nothing to do
    }
    history.update(h);
    emit(ctx.getCurrentKey(), h, out);
    if (!endOfInput) {
      ctx.timerService().registerEventTimeTimer(grid.closeTimeOf(step + 1));
    }
  }

  private HostHistory closeObservedStep(HostHistory h, long step, StepAccumulator acc) {
    if (h != null && step - h.lastStep - 1 > grid.maxGapSteps()) {
      h = null; // only possible if imputation timers were lost; a long gap restarts the history
    }
    if (h == null) {
      h = new HostHistory(grid.capacitySteps(), grid.columns());
    }
    while (!h.isEmpty() && h.lastStep + 1 < step) {
      h.imputeNext();
      imputedCount.inc();
    }
    h.appendObserved(step, acc.aggregate(grid.aggregation()));
    if (acc.tags != null) {
      h.tags = acc.tags;
    }
    return h;
  }

  private void emit(String host, HostHistory h, Collector<Forecast> out) {
    if (h.size < minHistorySteps) {
      return;
    }
    SeasonalNaiveForecaster.Result r = baseline.forecast(h, 0);
    long issuedAt = (h.lastStep + 1) * grid.stepMillis();
    out.collect(
        new Forecast(host, grid.target(), issuedAt, grid.stepMillis(), ModelRef.baseline(r.method()),
            baseline.config().quantiles(), r.values()));
    forecastCount.inc();
    forecastsTotal.add(1);
  }

  private void expire() {
    history.clear();
    openSteps.clear();
    expiredCount.inc();
  }

  private DeadLetter lateLetter(MetricPoint p, long step, long watermark) {
    String message =
        "event at " + Instant.ofEpochMilli(p.timestampMillis) + " of host '" + p.host + "' belongs to step "
            + Instant.ofEpochMilli(step * grid.stepMillis()) + ", already closed (watermark "
            + (watermark == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(watermark)) + ", allowed lateness "
            + grid.allowedLateness() + ")";
    return new DeadLetter(DeadLetterReason.LATE, message, p.raw, p.topic, p.partition, p.offset);
  }
}
