package org.tftflink.operators.serving;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;

/**
 * The TFT side of one inference subtask: the model it serves (from its broadcast state or the
 * latest accepted message), the batch of requests waiting for it, and its serving metrics.
 */
public final class ServedModel {

  private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

  private final StepGridConfig grid;
  private final ServingConfig serving;
  private final ModelMessages messages;
  private final ServingMetrics metrics;
  private final InferenceBatcher batcher;
  private final Runnable armFlush;

  /** Mirror the served (epoch, version) for the gauges; -1 while the baseline serves. */
  private volatile long version = -1;

  private volatile long epoch = -1;

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
    this.batcher =
        new InferenceBatcher(
            serving.batchSize(),
            grid.target(),
            grid.stepMillis(),
            (f, ts) -> {
              metrics.tftForecasts.inc();
              metrics.tftForecastsTotal.add(1);
              emitter.emit(f, ts);
            },
            metrics);
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
    TftModel model = batcher.model();
    if (model == null || history.size < model.config().encoderLength()) {
      return false;
    }
    var window =
        TftWindows.latest(model.config(), host, history, grid.stepMillis(), serving.tagNames());
    if (batcher.add(host, window, issuedAtMillis, timestamp)) {
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
    serve(outcome.model(), s);
    metrics.acceptedModelMessages.inc();
    metrics.modelsAcceptedTotal.add(1);
    LOG.info("Serving TFT model version {} (epoch {})", s.version, s.epoch);
  }

  /** The configuration of the served TFT, or null while the baseline serves. */
  public TftConfig config() {
    TftModel model = batcher.model();
    return model == null ? null : model.config();
  }

  /** Predicts every waiting request now. */
  public void flush() {
    batcher.flush();
  }

  private void serve(TftModel model, ServingModelState s) {
    batcher.serve(
        model, ModelMessages.refOf(s)); // answers the waiting requests with the old model first
    version = s.version;
    epoch = s.epoch;
  }
}
