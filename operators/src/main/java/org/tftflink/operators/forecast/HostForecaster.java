package org.tftflink.operators.forecast;

import java.time.Instant;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
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
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.InferenceBatcher;
import org.tftflink.operators.serving.ModelTimeline;
import org.tftflink.operators.serving.ServedModel;
import org.tftflink.operators.serving.ServingConfig;
import org.tftflink.operators.serving.ServingModelState;

/**
 * Keeps each host's history on the step grid in keyed state and issues one forecast per host per
 * step. Events are buffered per open step; an event-time timer closes a step once the watermark
 * passes its end plus the allowed lateness, appends it to the history ring and forecasts. A step
 * without data is imputed (carried forward, flagged missing) and still forecast, up to {@code
 * maxGapSteps}, once the history holds {@code minHistorySteps} observed steps (imputed ones do not
 * count toward the warm-up); one more missing step clears the host's state, so a host that stops
 * reporting leaves nothing behind and one that comes back starts afresh. Events for a closed step
 * are late: counted and dead-lettered with reason {@code late}.
 *
 * <p>At the end of a bounded input (watermark at +infinity) open steps are closed, but no step is
 * imputed: nothing is invented after the data ends.
 *
 * <p>Model messages arrive on the broadcast side ({@code tft-models}, one partition, so every
 * subtask sees them in the same order) and are accepted by the timeline rule ({@link
 * ModelMessages}). While no TFT is served, or while a host's history is shorter than the model's
 * encoder, the forecast is the seasonal-naive baseline; otherwise the request joins the subtask's
 * inference batch. Runs only inside {@link BatchingBroadcastOperator}, which flushes that batch.
 */
public class HostForecaster
    extends KeyedBroadcastProcessFunction<String, MetricPoint, byte[], Forecast>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events") {};

  /** State names are part of the savepoint layout (savepoints-docs/). */
  public static final String HISTORY_STATE = "history";

  public static final String OPEN_STEPS_STATE = "open-steps";

  /**
   * The host's newest closed step, kept beside the ring so that the per-event lateness check reads
   * 8 bytes instead of the whole history (RocksDB deserializes a value on every read).
   */
  public static final String LAST_STEP_STATE = "last-closed-step";

  /** Broadcast state: the served model, one entry under {@link #SERVED_KEY}. */
  public static final String MODEL_STATE_NAME = "serving-model";

  public static final String SERVED_KEY = "served";

  public static final MapStateDescriptor<String, ServingModelState> MODEL_STATE =
      new MapStateDescriptor<>(
          MODEL_STATE_NAME, Types.STRING, TypeInformation.of(ServingModelState.class));

  public static final String ACCEPTED = "accepted";
  public static final String LATE_EVENTS = "late";
  public static final String DUPLICATES = "duplicates";
  public static final String FORECASTS = "forecasts";

  private final StepGridConfig grid;
  private final SeasonalNaiveForecaster baseline;
  private final int minHistorySteps;
  private final ServingConfig serving;

  private transient ValueState<HostHistory> history;
  private transient MapState<Long, StepAccumulator> openSteps;
  private transient ValueState<Long> lastClosedStep;
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
  private transient ServedModel served;
  private transient InferenceBatcher.Emitter emitter;
  private transient Runnable armFlush;

  /** The model restored with the broadcast state, served from open() on. */
  private transient ServingModelState restored;

  public HostForecaster(
      StepGridConfig grid,
      SeasonalNaiveForecaster baseline,
      int minHistorySteps,
      ServingConfig serving) {
    if (baseline.config().historySteps() > grid.capacitySteps()) {
      throw new IllegalArgumentException(
          "history capacity "
              + grid.capacitySteps()
              + " is shorter than the baseline needs ("
              + baseline.config().historySteps()
              + " steps: a season plus its residual window)");
    }
    if (minHistorySteps < 1) {
      throw new IllegalArgumentException("min history steps must be >= 1, got " + minHistorySteps);
    }
    this.grid = grid;
    this.baseline = baseline;
    this.minHistorySteps = minHistorySteps;
    this.serving = serving;
  }

  /**
   * Called by the operator before {@link #open}: where batched forecasts go, and how to ask for a
   * flush timer once a request waits in an empty batch.
   */
  public void attach(InferenceBatcher.Emitter emitter, Runnable armFlush) {
    this.emitter = emitter;
    this.armFlush = armFlush;
  }

  /**
   * Restores the served model. After a restore the operator keeps serving the model of its own
   * state and accepts only epochs above any it had seen (DESIGN.md, timeline rule).
   */
  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    BroadcastState<String, ServingModelState> state =
        context.getOperatorStateStore().getBroadcastState(MODEL_STATE);
    ServingModelState s = state.get(SERVED_KEY);
    if (context.isRestored() && s != null) {
      ModelTimeline.restored(s);
      state.put(SERVED_KEY, s);
      restored = s;
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    // the broadcast state is snapshotted by the operator; the batch is empty here (flushed
    // pre-barrier)
  }

  @Override
  public void open(OpenContext openContext) {
    history =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(HISTORY_STATE, TypeInformation.of(HostHistory.class)));
    openSteps =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    OPEN_STEPS_STATE, Types.LONG, TypeInformation.of(StepAccumulator.class)));
    lastClosedStep =
        getRuntimeContext().getState(new ValueStateDescriptor<>(LAST_STEP_STATE, Types.LONG));
    var metrics = getRuntimeContext().getMetricGroup();
    acceptedCount = metrics.counter("eventsAccepted");
    lateCount = metrics.counter("eventsLate");
    duplicateCount = metrics.counter("eventsDuplicate");
    imputedCount = metrics.counter("stepsImputed");
    expiredCount = metrics.counter("hostsExpired");
    acceptedTotal = getRuntimeContext().getLongCounter(ACCEPTED);
    lateTotal = getRuntimeContext().getLongCounter(LATE_EVENTS);
    duplicatesTotal = getRuntimeContext().getLongCounter(DUPLICATES);
    forecastsTotal = getRuntimeContext().getLongCounter(FORECASTS);
    if (emitter == null) {
      throw new IllegalStateException(
          "HostForecaster runs inside "
              + BatchingBroadcastOperator.class.getSimpleName()
              + ", which flushes its inference batches: keyBy(host).connect(models.broadcast()).transform(..., new "
              + BatchingBroadcastOperator.class.getSimpleName()
              + "(...))");
    }
    served =
        new ServedModel(
            grid,
            baseline.config(),
            serving,
            getRuntimeContext(),
            (f, ts) -> {
              counted();
              emitter.emit(f, ts);
            },
            armFlush);
    forecastCount = served.metrics().forecastsOut;
    served.restore(restored);
    restored = null;
  }

  /** Model messages not loaded since open (corrupt, misfit, abandoned timeline or not newer). */
  public long rejectedModelMessages() {
    return served.metrics().rejectedModelMessages.getCount();
  }

  /**
   * Predicts every buffered request now (batch full, flush timer, checkpoint barrier, end of
   * input).
   */
  public void flush() {
    served.flush();
  }

  @Override
  public void processElement(MetricPoint point, ReadOnlyContext ctx, Collector<Forecast> out)
      throws Exception {
    long step = grid.stepOf(point.timestampMillis);
    long watermark = ctx.timerService().currentWatermark();
    Long lastClosed = lastClosedStep.value();
    if (lastClosed == null) {
      // a host without a closed step yet, or state of a savepoint taken before this value existed
      HostHistory h = history.value();
      if (h != null) {
        lastClosed = h.lastStep;
        lastClosedStep.update(lastClosed);
      }
    }
    if ((lastClosed != null && step <= lastClosed) || grid.closeTimeOf(step) <= watermark) {
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
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out)
      throws Exception {
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
    lastClosedStep.update(h.lastStep);
    emit(ctx.getCurrentKey(), h, timestamp, out);
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

  private void emit(String host, HostHistory h, long timestamp, Collector<Forecast> out) {
    // warm-up counts observed steps: a host seen once, then silent, is expired, never forecast
    if (!h.hasObservedTarget(minHistorySteps)) {
      return;
    }
    long issuedAt = (h.lastStep + 1) * grid.stepMillis();
    if (served.request(host, h, issuedAt, timestamp)) {
      return; // answered with the next flush of the TFT batch
    }
    SeasonalNaiveForecaster.Result r = baseline.forecast(h, 0);
    out.collect(
        new Forecast(
            host,
            grid.target(),
            issuedAt,
            grid.stepMillis(),
            ModelRef.baseline(r.method()),
            baseline.config().quantiles(),
            r.values()));
    served.metrics().baselineForecasts.inc();
    counted();
  }

  private void counted() {
    forecastCount.inc();
    forecastsTotal.add(1);
  }

  /**
   * A model message: loaded if intact, fitting and allowed by the timeline rule; else counted and
   * logged.
   */
  @Override
  public void processBroadcastElement(byte[] message, Context ctx, Collector<Forecast> out)
      throws Exception {
    served.offer(message, ctx.getBroadcastState(MODEL_STATE), SERVED_KEY);
  }

  private void expire() {
    history.clear();
    lastClosedStep.clear();
    openSteps.clear();
    expiredCount.inc();
  }

  private DeadLetter lateLetter(MetricPoint p, long step, long watermark) {
    String message =
        "event at "
            + Instant.ofEpochMilli(p.timestampMillis)
            + " of host '"
            + p.host
            + "' belongs to step "
            + Instant.ofEpochMilli(step * grid.stepMillis())
            + ", already closed (watermark "
            + (watermark == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(watermark))
            + ", allowed lateness "
            + grid.allowedLateness()
            + ")";
    return new DeadLetter(DeadLetterReason.LATE, message, p.raw, p.topic, p.partition, p.offset);
  }
}
