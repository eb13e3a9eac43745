package org.tftflink.operators.forecast;

import java.time.Instant;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.tftflink.model.event.DeadLetterReason;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.grid.StepAccumulator;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * One host's step grid in keyed state: events buffered per open step, steps closed into the history
 * ring (observed, or imputed up to {@code maxGapSteps}), late events turned into dead letters, and
 * the host's state cleared once its gap is too long. Every reset (a restart after a gap, an expiry)
 * is reported to the listener, which drops what depended on the old history.
 */
final class HostGrid {

  private final StepGridConfig grid;
  private final Runnable onReset;
  private final ValueState<HostHistory> history;
  private final MapState<Long, StepAccumulator> openSteps;
  private final ValueState<Long> lastClosedStep;
  private final Counter acceptedCount;
  private final Counter lateCount;
  private final Counter duplicateCount;
  private final Counter imputedCount;
  private final Counter expiredCount;
  private final LongCounter acceptedTotal;
  private final LongCounter lateTotal;
  private final LongCounter duplicatesTotal;

  HostGrid(StepGridConfig grid, RuntimeContext context, Runnable onReset) {
    this.grid = grid;
    this.onReset = onReset;
    history =
        context.getState(
            new ValueStateDescriptor<>(
                HostForecaster.HISTORY_STATE, TypeInformation.of(HostHistory.class)));
    openSteps =
        context.getMapState(
            new MapStateDescriptor<>(
                HostForecaster.OPEN_STEPS_STATE,
                Types.LONG,
                TypeInformation.of(StepAccumulator.class)));
    lastClosedStep =
        context.getState(new ValueStateDescriptor<>(HostForecaster.LAST_STEP_STATE, Types.LONG));
    var metrics = context.getMetricGroup();
    acceptedCount = metrics.counter("eventsAccepted");
    lateCount = metrics.counter("eventsLate");
    duplicateCount = metrics.counter("eventsDuplicate");
    imputedCount = metrics.counter("stepsImputed");
    expiredCount = metrics.counter("hostsExpired");
    acceptedTotal = context.getLongCounter(HostForecaster.ACCEPTED);
    lateTotal = context.getLongCounter(HostForecaster.LATE_EVENTS);
    duplicatesTotal = context.getLongCounter(HostForecaster.DUPLICATES);
  }

  /** Buffers the event in its open step; returns the dead letter of a late event, else null. */
  DeadLetter accept(MetricPoint point, TimerService timers) throws Exception {
    long step = grid.stepOf(point.timestampMillis);
    long watermark = timers.currentWatermark();
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
      return lateLetter(point, step, watermark);
    }
    StepAccumulator acc = openSteps.get(step);
    if (acc == null) {
      acc = new StepAccumulator(grid.columns());
      timers.registerEventTimeTimer(grid.closeTimeOf(step));
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
    return null;
  }

  /** The current host's history ring, or null if it has none. */
  HostHistory history() throws Exception {
    return history.value();
  }

  /** The current host's newest closed step, or null if it has none (new, or expired). */
  Long newestStep() throws Exception {
    return lastClosedStep.value();
  }

  /**
   * Closes {@code step} (observed, or imputed if it directly follows the history and the input has
   * not ended); returns the updated history, or null if nothing was closed (already closed, no
   * history, or the host expired).
   */
  HostHistory close(long step, boolean endOfInput) throws Exception {
    HostHistory h = history.value();
    if (h != null && h.capacity < grid.capacitySteps()) {
      h.growTo(grid.capacitySteps()); // a ring of an older layout (savepoints-docs/, layout 4)
    }
    StepAccumulator acc = openSteps.get(step);
    if (acc != null) {
      openSteps.remove(step);
      h = closeObservedStep(h, step, acc);
    } else if (h != null && step == h.lastStep + 1 && !endOfInput) {
      if (h.missingRun >= grid.maxGapSteps()) {
        expire();
        return null;
      }
      h.imputeNext();
      imputedCount.inc();
    } else {
      return null;
    }
    history.update(h);
    lastClosedStep.update(h.lastStep);
    return h;
  }

  private HostHistory closeObservedStep(HostHistory h, long step, StepAccumulator acc) {
    if (h != null && step - h.lastStep - 1 > grid.maxGapSteps()) {
      h = null; // only possible if imputation timers were lost; a long gap restarts the history
    }
    if (h == null) {
      h = new HostHistory(grid.capacitySteps(), grid.columns());
      onReset.run();
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

  private void expire() {
    history.clear();
    lastClosedStep.clear();
    openSteps.clear();
    onReset.run();
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
