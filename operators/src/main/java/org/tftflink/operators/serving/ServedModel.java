package org.tftflink.operators.serving;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.tft.TftConfig;

/**
 * The TFT side of one inference subtask: what it serves (from its broadcast state or the latest
 * accepted message: one model or an ensemble, and during a canary rollout a second group for the
 * canary hosts), the batches of requests waiting for each group, and its serving metrics.
 */
public final class ServedModel {

  private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

  private final StepGridConfig grid;
  private final ServingConfig serving;
  private final ModelMessages messages;
  private final ServingMetrics metrics;
  private final InferenceBatcher batcher;
  private final InferenceBatcher canaryBatcher;
  private final Runnable armFlush;
  private ServedPlan plan;

  /** Mirror the served (epoch, version) for the gauges; -1 while the baseline serves. */
  private volatile long version = -1;

  private volatile long epoch = -1;

  /** The canary group's version while a canary runs, else -1; and the stable ensemble's size. */
  private volatile long canaryVersion = -1;

  private volatile int members;

  /**
   * @param emitter where TFT forecasts go (after the metrics here count them)
   * @param armFlush asks for a flush timer once a request waits in an empty batch
   */
  public ServedModel(
      StepGridConfig grid,
      BaselineConfig baseline,
      ServingConfig serving,
      RuntimeContext context,
      InferenceBatcher.Emitter emitter,
      Runnable armFlush) {
    this.grid = grid;
    this.serving = serving;
    this.armFlush = armFlush;
    this.messages = new ModelMessages(grid, baseline, serving);
    this.metrics = new ServingMetrics(context, () -> version, () -> epoch);
    InferenceBatcher.Emitter counted =
        (f, ts) -> {
          metrics.tftForecasts.inc();
          metrics.tftForecastsTotal.add(1);
          emitter.emit(f, ts);
        };
    this.batcher =
        new InferenceBatcher(
            serving.batchSize(), grid.target(), grid.stepMillis(), counted, metrics);
    this.canaryBatcher =
        new InferenceBatcher(
            serving.batchSize(), grid.target(), grid.stepMillis(), counted, metrics);
    context.getMetricGroup().gauge("canaryModelVersion", () -> canaryVersion);
    context.getMetricGroup().gauge("servedEnsembleMembers", () -> members);
  }

  public ServingMetrics metrics() {
    return metrics;
  }

  /** Serves the model of a restored broadcast state, if it holds one. */
  public void restore(ServingModelState restored) {
    if (restored != null && restored.hasModel()) {
      serve(ModelMessages.rebuild(restored), restored);
      LOG.info(
          "Restored TFT model version {} (epoch {}); accepting only epochs above {}",
          restored.version,
          restored.epoch,
          restored.restoreFloorEpoch);
    }
  }

  /**
   * Queues a TFT forecast of the host's newest step if a model is served and the history fills its
   * encoder; returns false if the caller must forecast with the baseline.
   */
  public boolean request(String host, HostHistory history, long issuedAtMillis, long timestamp) {
    if (plan == null) {
      return false;
    }
    InferenceBatcher group = plan.servesCanary(host) ? canaryBatcher : batcher;
    TftConfig config = group.model().config();
    if (history.size < config.encoderLength()) {
      return false;
    }
    var window = TftWindows.latest(config, host, history, grid.stepMillis(), serving.tagNames());
    if (group.add(host, window, issuedAtMillis, timestamp)) {
      armFlush.run();
    }
    return true;
  }

  /**
   * A model message: loaded if intact, fitting and allowed by the timeline rule; else counted and
   * logged.
   */
  public void offer(byte[] message, BroadcastState<String, ServingModelState> state, String key)
      throws Exception {
    ServingModelState s = state.get(key);
    if (s == null) {
      s = new ServingModelState();
    }
    ModelMessages.Outcome outcome = messages.offer(message, s);
    state.put(key, s);
    if (!outcome.accepted()) {
      metrics.rejectedModelMessages.inc();
      LOG.warn("Model message not loaded: {}", outcome.rejection());
      return;
    }
    serve(outcome.plan(), s);
    metrics.acceptedModelMessages.inc();
    metrics.modelsAcceptedTotal.add(1);
    LOG.info(
        "Serving TFT model version {} (epoch {}){}",
        s.version,
        s.epoch,
        outcome.plan().canary() == null
            ? ""
            : ", canary on "
                + outcome.plan().canaryShare()
                + " of hosts beside version "
                + outcome.plan().stableRef().version());
  }

  /** The configuration of the served TFT, or null while the baseline serves. */
  public TftConfig config() {
    return plan == null ? null : plan.stable().config();
  }

  /** Predicts every waiting request now. */
  public void flush() {
    batcher.flush();
    canaryBatcher.flush();
  }

  private void serve(ServedPlan next, ServingModelState s) {
    // each batch answers its waiting requests with the old models first
    batcher.serve(next.stable(), next.stableRef());
    canaryBatcher.serve(next.canary(), next.canaryRef());
    plan = next;
    version = s.version;
    epoch = s.epoch;
    canaryVersion = next.canary() == null ? -1 : next.canaryRef().version();
    members = next.stable().size();
  }
}
