package org.tftflink.model.online;

import java.util.List;
import java.util.Optional;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.tft.TftWindow;

/**
 * The online-learning orchestrator the Flink trainer and {@code ./tft evaluate} both drive:
 * prequential samples in, update requests out, gated candidates back in, learning events out.
 */
public final class OnlineLearner<M> {

  public OnlineLearner(OnlineConfig config, ModelOps<M> ops, M initial, long startMs) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Prequential: s was already scored when served; feeds drift, window, replay, hold-out, shadow
   * and the live-error monitor.
   */
  public List<LearningEvent> observe(MaturedSample s) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * An update if one is due (schedule, drift or update-now; enough samples; breaker closed; not
   * paused; inside the update hours), holding copies of what it needs.
   */
  public Optional<UpdateRequest<M>> pollUpdate(long eventTimeMs) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Gate (hold-out), shadow, promote or reject, breaker, versions. */
  public List<LearningEvent> complete(UpdateOutcome<M> outcome) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * "rollback 3", "pin 2", "unpin", "pause", "resume", "update-now"; a malformed command is a
   * command_rejected event, never an exception.
   */
  public List<LearningEvent> command(String commandLine, long eventTimeMs) {
    throw new UnsupportedOperationException("not yet");
  }

  /** One member unless the strategy is ensemble. */
  public Served<M> served() {
    throw new UnsupportedOperationException("not yet");
  }

  /** With what is served (weighted quantile average for an ensemble). */
  public double[][][] forecast(List<TftWindow> windows) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The whole learner state (buffers, versions, detectors, breaker, schedule) for Flink state. */
  public byte[] snapshot() {
    throw new UnsupportedOperationException("not yet");
  }

  public static <M> OnlineLearner<M> restore(
      OnlineConfig config, ModelOps<M> ops, byte[] snapshot) {
    throw new UnsupportedOperationException("not yet");
  }
}
