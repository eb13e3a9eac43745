package org.tftflink.operators.online;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.safety.SampleScreen;

/**
 * The trainer's metrics in its operator group (web UI, any reporter): samples buffered since the
 * last update, last update duration, gate passes and failures, rollbacks, the last drift statistic,
 * breaker state (1 = open), the latest hold-out loss, the served version and epoch, malformed
 * commands, the version in canary (-1: none), canaries rolled back, samples the learner's screen
 * found implausible and updates refused as poisoned batches. Gauges read fields the task thread
 * writes, hence volatile.
 */
final class TrainerMetrics {

  final Counter samples;
  final Counter gatePasses;
  final Counter gateFailures;
  final Counter rollbacks;
  final Counter promotions;
  final Counter malformedCommands;
  final Counter updates;
  volatile long samplesBuffered;
  volatile long lastUpdateMillis = -1;
  volatile double driftStatistic = Double.NaN;
  volatile int breakerOpen;
  volatile double holdoutLoss = Double.NaN;
  volatile long servedVersion = -1;
  volatile long epoch = -1;
  volatile long canaryVersion = -1;
  final Counter canaryRollbacks;
  final Counter poisonedBatches;
  volatile long suspectSamples;

  TrainerMetrics(MetricGroup group) {
    samples = group.counter("trainerSamples");
    gatePasses = group.counter("gatePasses");
    gateFailures = group.counter("gateFailures");
    rollbacks = group.counter("rollbacks");
    promotions = group.counter("promotions");
    malformedCommands = group.counter("malformedCommands");
    updates = group.counter("updates");
    group.gauge("samplesBuffered", () -> samplesBuffered);
    group.gauge("lastUpdateDurationMs", () -> lastUpdateMillis);
    group.gauge("driftStatistic", () -> driftStatistic);
    group.gauge("breakerOpen", () -> breakerOpen);
    group.gauge("holdoutLoss", () -> holdoutLoss);
    group.gauge("servedVersion", () -> servedVersion);
    group.gauge("trainerEpoch", () -> epoch);
    group.gauge("canaryVersion", () -> canaryVersion);
    canaryRollbacks = group.counter("canaryRollbacks");
    poisonedBatches = group.counter("poisonedBatches");
    group.gauge("suspectSamples", () -> suspectSamples);
  }

  /** Counts what one learner event says. */
  void record(LearningEvent e) {
    switch (e.type()) {
      case LearningEvent.UPDATE_STARTED -> {
        updates.inc();
        samplesBuffered = 0;
      }
      case LearningEvent.GATE_PASSED -> gatePasses.inc();
      case LearningEvent.GATE_FAILED -> {
        gateFailures.inc();
        if (SampleScreen.POISONED_BATCH.equals(e.details().get("reason"))) {
          poisonedBatches.inc();
        }
      }
      case LearningEvent.PROMOTED -> promotions.inc();
      case LearningEvent.ROLLED_BACK -> rollbacks.inc();
      case LearningEvent.BREAKER_OPENED -> breakerOpen = 1;
      case LearningEvent.BREAKER_CLOSED -> breakerOpen = 0;
      case LearningEvent.COMMAND_REJECTED -> malformedCommands.inc();
      case LearningEvent.DRIFT_DETECTED -> {
        if (e.details().get("statistic") instanceof Number n) {
          driftStatistic = n.doubleValue();
        }
      }
      case LearningEvent.CANARY_STARTED -> canaryVersion = e.version();
      case LearningEvent.CANARY_DECIDED -> {
        canaryVersion = -1;
        if ("roll_back".equals(e.details().get("decision"))) {
          canaryRollbacks.inc();
        }
      }
      default -> {}
    }
  }
}
