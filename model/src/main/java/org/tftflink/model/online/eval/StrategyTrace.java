package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.Served;

/**
 * One strategy's prequential run over every series: per-series traces, the learner's events with
 * the host and row that triggered them, what was served from when, and where the time went.
 */
public final class StrategyTrace<M> {
  /** A learning event and the host row whose arrival led to it. */
  public record TimedEvent(String series, int row, LearningEvent event) {}

  /** What was served from event time {@code fromMs} on. */
  public record ServedAt<M>(long fromMs, Served<M> served) {}

  private final String strategy;
  private final Map<String, SeriesTrace> series = new LinkedHashMap<>();
  private final List<TimedEvent> events = new ArrayList<>();
  private final List<ServedAt<M>> served = new ArrayList<>();
  long wallNanos;
  long trainNanos;
  long gateNanos;
  long predictNanos;
  long observeNanos;
  long samplesTrained;
  long forecasts;
  long suspectSamples;
  long poisonedBatches;

  public StrategyTrace(String strategy) {
    this.strategy = strategy;
  }

  public String strategy() {
    return strategy;
  }

  public Map<String, SeriesTrace> series() {
    return series;
  }

  public List<TimedEvent> events() {
    return events;
  }

  public List<ServedAt<M>> servedHistory() {
    return served;
  }

  /** What was served at event time {@code timeMs} (the first entry when before every change). */
  public Served<M> servedAt(long timeMs) {
    Served<M> s = served.get(0).served();
    for (ServedAt<M> a : served) {
      if (a.fromMs() <= timeMs) {
        s = a.served();
      }
    }
    return s;
  }

  /** How many events of a type ({@link LearningEvent} constants). */
  public long count(String type) {
    return events.stream().filter(e -> e.event().type().equals(type)).count();
  }

  public long wallNanos() {
    return wallNanos;
  }

  /** Wall time inside update runs (candidate training and its hold-out scoring). */
  public long trainNanos() {
    return trainNanos;
  }

  /** Wall time inside the learner's complete (gate, promotion). */
  public long gateNanos() {
    return gateNanos;
  }

  /** Wall time inside the learner's observe (drift, buffers, live-error watch). */
  public long observeNanos() {
    return observeNanos;
  }

  public long predictNanos() {
    return predictNanos;
  }

  /** Samples x epochs actually trained, summed over candidates. */
  public long samplesTrained() {
    return samplesTrained;
  }

  public long forecasts() {
    return forecasts;
  }

  /** Matured samples the sample screen found implausible (never trained on). */
  public long suspectSamples() {
    return suspectSamples;
  }

  /** Updates refused because too many of their samples were suspect. */
  public long poisonedBatches() {
    return poisonedBatches;
  }
}
