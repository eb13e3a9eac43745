package org.tftflink.operators.serving;

import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.tft.TftWindow;

/**
 * Buffers the TFT forecast requests of one subtask across hosts and predicts them in one model call
 * per member of what it serves (DL4J pays a fixed cost per op, so one call for many windows is far
 * cheaper than one per window). The owner flushes it when it is full, on a short timer, before
 * every checkpoint barrier and before the served model changes, so no request outlives a checkpoint
 * or is answered by a model other than the one that was served when it was made.
 */
public final class InferenceBatcher {

  /** Where forecasts go, with the timestamp of the record that asked for them. */
  public interface Emitter {
    void emit(Forecast forecast, long timestamp);
  }

  private record Request(String host, TftWindow window, long issuedAtMillis, long timestamp) {}

  private final int batchSize;
  private final String target;
  private final long stepMillis;
  private final Emitter emitter;
  private final ServingMetrics metrics;
  private final List<Request> pending;
  private ServedMembers model;
  private ModelRef ref;

  public InferenceBatcher(
      int batchSize, String target, long stepMillis, Emitter emitter, ServingMetrics metrics) {
    this.batchSize = batchSize;
    this.target = target;
    this.stepMillis = stepMillis;
    this.emitter = emitter;
    this.metrics = metrics;
    this.pending = new ArrayList<>(Math.min(batchSize, 4096));
  }

  /** Answers what is buffered with the current model, then serves {@code next} (null: none). */
  public void serve(ServedMembers next, ModelRef nextRef) {
    flush();
    model = next;
    ref = nextRef;
  }

  public ServedMembers model() {
    return model;
  }

  public int pending() {
    return pending.size();
  }

  /**
   * Buffers one request for the served model and predicts the batch once it is full.
   *
   * @return true if the request was left waiting in an otherwise empty buffer (a flush is due)
   */
  public boolean add(String host, TftWindow window, long issuedAtMillis, long timestamp) {
    if (model == null) {
      throw new IllegalStateException("no TFT model is served; forecast with the baseline");
    }
    pending.add(new Request(host, window, issuedAtMillis, timestamp));
    if (pending.size() >= batchSize) {
      flush();
      return false;
    }
    return pending.size() == 1;
  }

  /** Predicts and emits every buffered request in one model call. */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<TftWindow> windows = new ArrayList<>(pending.size());
    for (Request r : pending) {
      windows.add(r.window());
    }
    long start = System.nanoTime();
    List<double[][]> out = model.predict(windows);
    long millis = (System.nanoTime() - start) / 1_000_000;
    metrics.inferenceLatencyMs.update(millis);
    metrics.inferenceMillisTotal.add(millis);
    metrics.batchSize.update(pending.size());
    double[] quantiles = model.config().quantiles();
    for (int i = 0; i < out.size(); i++) {
      Request r = pending.get(i);
      emitter.emit(
          new Forecast(
              r.host(), target, r.issuedAtMillis(), stepMillis, ref, quantiles, out.get(i)),
          r.timestamp());
    }
    pending.clear();
  }
}
