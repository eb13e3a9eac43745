package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.OnlineLearner;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.UpdateOutcome;
import org.tftflink.model.online.UpdateRequest;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;

/**
 * Runs one strategy prequentially over every series at once, in event-time order: when a row
 * arrives, the forecast whose horizon it completes is scored and then observed by the learner, a
 * due update runs and completes in place, and the next origin is forecast with what is served.
 *
 * <p>Forecasts are computed ahead in batches across hosts and origins with the model being served:
 * a window only holds rows already arrived by its origin, and the model changes only when the
 * learner says so, so a batch is dropped the moment what is served changes. No actual is used
 * before it is due.
 */
public final class Prequential<M> {
  private final List<EvalSeries> series;
  private final TftConfig model;
  private final ModelOps<M> ops;
  private final int batch;
  private final Consumer<String> progress;
  private static final int MIN_BATCH = 8;
  // arrivals between the last two changes of what is served, and the arrival of the last change
  private int lastInterval;
  private int lastChange;

  /**
   * @param model the TFT's sizes (encoder, horizon, static inputs) for cutting windows
   * @param batch windows per prediction batch
   * @param progress receives a line every few seconds (series, step, ETA)
   */
  public Prequential(
      List<EvalSeries> series,
      TftConfig model,
      ModelOps<M> ops,
      int batch,
      Consumer<String> progress) {
    this.series = List.copyOf(series);
    this.model = model;
    this.ops = ops;
    this.batch = batch;
    this.progress = progress;
  }

  /** One row arrival of one series. */
  private record Arrival(int series, int row, long timeMs) {}

  /**
   * Runs the strategy from {@code initial}.
   *
   * @param config the learner's configuration, or null for the frozen model (never updated)
   */
  public StrategyTrace<M> run(String name, OnlineConfig config, M initial) {
    long start = System.nanoTime();
    lastInterval = batch;
    lastChange = 0;
    StrategyTrace<M> trace = new StrategyTrace<>(name);
    List<Arrival> arrivals = arrivals();
    long startMs = arrivals.isEmpty() ? 0 : arrivals.get(0).timeMs();
    // the learner starts at the first matured sample, as the job's trainer does (it is created by
    // its first sample): started at the first forecast, a horizon earlier, its clock would make a
    // time-driven schedule update at other samples than the job (OnlineEvaluationAgreementTest)
    OnlineLearner<M> learner = null;
    Served<M> served = new Served<>(List.of(1L), List.of(initial), new double[] {1});
    trace.servedHistory().add(new StrategyTrace.ServedAt<>(startMs, served));
    List<Map<Integer, double[][]>> issued = new ArrayList<>();
    List<Map<Integer, Long>> versions = new ArrayList<>();
    for (EvalSeries s : series) {
      trace.series().put(s.name(), new SeriesTrace(s, ops.quantiles()));
      issued.add(new HashMap<>());
      versions.add(new HashMap<>());
    }
    Map<Long, double[][]> ahead = new HashMap<>();
    int horizon = model.horizon();
    ProgressClock clock = new ProgressClock(progress, name, arrivals.size());
    for (int i = 0; i < arrivals.size(); i++) {
      Arrival a = arrivals.get(i);
      EvalSeries s = series.get(a.series());
      // 1. the arrival completes the horizon of origin row-horizon+1: score it, then learn from it
      int matured = a.row() - horizon + 1;
      double[][] forecast = issued.get(a.series()).remove(matured);
      if (forecast != null) {
        if (matured >= s.scoreFrom()) {
          trace.series().get(s.name()).score(matured, forecast, false);
        }
        if (config != null) {
          if (learner == null) {
            learner = new OnlineLearner<>(config, ops, initial, a.timeMs());
          }
          MaturedSample sample =
              new MaturedSample(
                  s.host(),
                  s.timestampsMs()[matured],
                  s.sample(matured, model),
                  forecast,
                  versions.get(a.series()).remove(matured));
          long t0 = System.nanoTime();
          record(trace, s, a, learner.observe(sample));
          trace.observeNanos += System.nanoTime() - t0;
        }
      }
      // 2. a due update runs and completes now (the evaluation waits for it)
      if (learner != null) {
        Optional<UpdateRequest<M>> request = learner.pollUpdate(a.timeMs());
        if (request.isPresent()) {
          long t0 = System.nanoTime();
          UpdateOutcome<M> outcome = request.get().run(ops);
          long t1 = System.nanoTime();
          record(trace, s, a, learner.complete(outcome));
          trace.trainNanos += t1 - t0;
          trace.gateNanos += System.nanoTime() - t1;
          if (outcome.candidate() != null) {
            trace.samplesTrained +=
                (long) outcome.candidate().samples() * request.get().settings().epochs();
          }
        } else {
          record(trace, s, a, learner.drainEvents()); // a poisoned batch is refused at once
        }
        Served<M> now = learner.served();
        if (!sameServed(served, now)) {
          served = now;
          trace.servedHistory().add(new StrategyTrace.ServedAt<>(a.timeMs(), now));
          ahead.clear();
          lastInterval = i - lastChange;
          lastChange = i;
        }
      }
      // 3. forecast the next origin with what is served now
      int origin = a.row() + 1;
      if (origin >= s.learnFrom() && origin <= s.lastOrigin(horizon)) {
        double[][] f = ahead.remove(key(a.series(), origin));
        if (f == null) {
          predictAhead(arrivals, i, learner, initial, ahead, trace);
          f = ahead.remove(key(a.series(), origin));
        }
        issued.get(a.series()).put(origin, f);
        versions.get(a.series()).put(origin, served.version());
        trace.forecasts++;
      }
      clock.tick(i, s.name(), a.row(), trace.events().size());
    }
    trace.wallNanos = System.nanoTime() - start;
    trace.counters = learner == null ? null : learner.counters();
    return trace;
  }

  /** Every row arrival from which a forecast or a maturity follows, ordered by event time. */
  private List<Arrival> arrivals() {
    List<Arrival> out = new ArrayList<>();
    for (int k = 0; k < series.size(); k++) {
      EvalSeries s = series.get(k);
      for (int r = s.learnFrom() - 1; r < s.rows(); r++) {
        out.add(new Arrival(k, r, s.timestampsMs()[r]));
      }
    }
    // stable: rows of one series stay in order, ties between series go by series order
    out.sort((x, y) -> Long.compare(x.timeMs(), y.timeMs()));
    return out;
  }

  /**
   * Forecasts the origins of the next {@code batch} arrivals from position {@code from} with the
   * model being served; they are valid until what is served changes.
   */
  private void predictAhead(
      List<Arrival> arrivals,
      int from,
      OnlineLearner<M> learner,
      M initial,
      Map<Long, double[][]> ahead,
      StrategyTrace<M> trace) {
    long t0 = System.nanoTime();
    List<TftWindow> windows = new ArrayList<>();
    List<Long> keys = new ArrayList<>();
    // predict about as far ahead as what is served lasted last time: with updates every hour a
    // full batch would mostly be thrown away at the next promotion
    int size = Math.max(MIN_BATCH, Math.min(batch, lastInterval + lastInterval / 4));
    for (int i = from; i < arrivals.size() && windows.size() < size; i++) {
      Arrival a = arrivals.get(i);
      EvalSeries s = series.get(a.series());
      int origin = a.row() + 1;
      if (origin >= s.learnFrom() && origin <= s.lastOrigin(model.horizon())) {
        windows.add(s.window(origin, model));
        keys.add(key(a.series(), origin));
      }
    }
    double[][][] f = learner == null ? ops.predict(initial, windows) : learner.forecast(windows);
    for (int w = 0; w < f.length; w++) {
      ahead.put(keys.get(w), f[w]);
    }
    trace.predictNanos += System.nanoTime() - t0;
  }

  private static long key(int series, int origin) {
    return ((long) series << 32) | origin;
  }

  private void record(StrategyTrace<M> trace, EvalSeries s, Arrival a, List<LearningEvent> events) {
    for (LearningEvent e : events) {
      trace.events().add(new StrategyTrace.TimedEvent(s.name(), a.row(), e));
    }
  }

  private static <M> boolean sameServed(Served<M> a, Served<M> b) {
    return a.versions().equals(b.versions()) && Arrays.equals(a.weights(), b.weights());
  }
}
