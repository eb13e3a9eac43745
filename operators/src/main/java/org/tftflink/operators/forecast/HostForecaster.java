package org.tftflink.operators.forecast;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchedForecaster;
import org.tftflink.operators.serving.InferenceBatcher;
import org.tftflink.operators.serving.KeyScope;
import org.tftflink.operators.serving.ModelTimeline;
import org.tftflink.operators.serving.ServedModel;
import org.tftflink.operators.serving.ServingConfig;
import org.tftflink.operators.serving.ServingModelState;
import org.tftflink.operators.serving.SideOutputs;

/**
 * Issues one forecast per host per step and matures the served ones into training samples. Three
 * parts do the work: {@link HostGrid} puts a host's events on the step grid (an event-time timer
 * closes a step, imputes a missing one, expires a silent host; late events go to {@link #LATE}),
 * {@link ServedModel} serves the broadcast TFT in batches (the seasonal-naive baseline while none
 * is served or a history is shorter than its encoder), and {@link SampleMaturer} keeps each host's
 * served TFT forecasts until their horizon closes and emits them on {@link #SAMPLES}. A host is
 * forecast once its history holds {@code minHistorySteps} observed steps (imputed ones do not count
 * toward the warm-up), so a host seen once and then silent expires unforecast.
 *
 * <p>At the end of a bounded input (watermark at +infinity) open steps are closed, but no step is
 * imputed: nothing is invented after the data ends. Model messages arrive on the broadcast side
 * ({@code tft-models}, one partition, so every subtask sees them in the same order) and are
 * accepted by the timeline rule. Runs only inside {@code BatchingBroadcastOperator}, which flushes
 * the inference batch.
 */
public class HostForecaster
    extends KeyedBroadcastProcessFunction<String, MetricPoint, byte[], Forecast>
    implements CheckpointedFunction, BatchedForecaster {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events") {};

  /** Training samples: served TFT forecasts whose whole horizon has actuals. */
  public static final OutputTag<MaturedSample> SAMPLES = new OutputTag<>("matured-samples") {};

  /** State names are part of the savepoint layout (savepoints-docs/). */
  public static final String HISTORY_STATE = "history";

  public static final String OPEN_STEPS_STATE = "open-steps";

  /**
   * The host's newest closed step, kept beside the ring so that the per-event lateness check reads
   * 8 bytes instead of the whole history (RocksDB deserializes a value on every read).
   */
  public static final String LAST_STEP_STATE = "last-closed-step";

  /** Served forecasts waiting for their horizon (added in layout 4). */
  public static final String PENDING_STATE = SampleMaturer.PENDING_STATE;

  public static final String MODEL_STATE_NAME = BatchedForecaster.MODEL_STATE_NAME;

  public static final String SERVED_KEY = BatchedForecaster.SERVED_KEY;

  public static final MapStateDescriptor<String, ServingModelState> MODEL_STATE =
      BatchedForecaster.MODEL_STATE;

  public static final String ACCEPTED = "accepted";
  public static final String LATE_EVENTS = "late";
  public static final String DUPLICATES = "duplicates";
  public static final String FORECASTS = "forecasts";

  private final StepGridConfig grid;
  private final SeasonalNaiveForecaster baseline;
  private final int minHistorySteps;
  private final ServingConfig serving;

  private transient HostGrid steps;
  private transient SampleMaturer maturer;
  private transient Counter forecastCount;
  private transient LongCounter forecastsTotal;
  private transient ServedModel served;
  private transient InferenceBatcher.Emitter emitter;
  private transient Runnable armFlush;
  private transient KeyScope keys;
  private transient SideOutputs sideOutputs;

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

  @Override
  public void attach(
      InferenceBatcher.Emitter emitter, Runnable armFlush, KeyScope keys, SideOutputs sideOutputs) {
    this.emitter = emitter;
    this.armFlush = armFlush;
    this.keys = keys;
    this.sideOutputs = sideOutputs;
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
    if (emitter == null) {
      throw new IllegalStateException(
          "HostForecaster runs inside BatchingBroadcastOperator, which flushes its inference"
              + " batches: keyBy(host).connect(models.broadcast()).transform(..., new"
              + " BatchingBroadcastOperator(...))");
    }
    maturer =
        new SampleMaturer(
            getRuntimeContext(),
            baseline.config().horizon(),
            grid.stepMillis(),
            serving.tagNames());
    steps = new HostGrid(grid, getRuntimeContext(), maturer::clear);
    forecastsTotal = getRuntimeContext().getLongCounter(FORECASTS);
    served =
        new ServedModel(
            grid, baseline.config(), serving, getRuntimeContext(), this::servedTft, armFlush);
    forecastCount = served.metrics().forecastsOut;
    served.restore(restored);
    restored = null;
  }

  /**
   * A TFT forecast leaving the batch: waits for its actuals under its host's key, or, if its
   * horizon closed while it waited in the batch (one watermark can close many steps: a replay, a
   * catch-up), matures at once from the history; then goes out.
   */
  private void servedTft(Forecast f, long timestamp) {
    counted();
    keys.runAs(
        f.host(),
        () -> {
          try {
            maturer
                .record(f, steps.newestStep(), steps::history, served.config())
                .ifPresent(
                    s ->
                        sideOutputs.emit(
                            SAMPLES,
                            s,
                            grid.closeTimeOf(
                                s.originMs() / grid.stepMillis() - 1 + maturer.horizon())));
          } catch (Exception e) {
            throw new IllegalStateException("cannot keep the forecast of host " + f.host(), e);
          }
        });
    emitter.emit(f, timestamp);
  }

  /** Model messages not loaded since open (corrupt, misfit, abandoned timeline or not newer). */
  public long rejectedModelMessages() {
    return served.metrics().rejectedModelMessages.getCount();
  }

  @Override
  public void flush() {
    served.flush();
  }

  @Override
  public void processElement(MetricPoint point, ReadOnlyContext ctx, Collector<Forecast> out)
      throws Exception {
    DeadLetter late = steps.accept(point, ctx.timerService());
    if (late != null) {
      ctx.output(LATE, late);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out)
      throws Exception {
    long step = grid.stepClosedAt(timestamp);
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    HostHistory h = steps.close(step, endOfInput);
    if (h == null) {
      return;
    }
    String host = ctx.getCurrentKey();
    maturer.mature(host, h, served.config()).ifPresent(s -> ctx.output(SAMPLES, s));
    emit(host, h, timestamp, out);
    if (!endOfInput) {
      ctx.timerService().registerEventTimeTimer(grid.closeTimeOf(step + 1));
    }
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
}
