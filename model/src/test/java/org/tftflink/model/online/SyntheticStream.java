package org.tftflink.model.online;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * An hourly synthetic series (level + daily sine + Gaussian noise, with a level shift) and a
 * prequential driver: forecast at each origin with what the learner serves, observe each sample
 * once its whole horizon has matured, then poll for an update and run it inline.
 */
final class SyntheticStream {
  static final long STEP_MS = 3_600_000L;
  static final int LAGS = 24;
  static final int HORIZON = 6;
  static final String HOST = "web-1";

  static double[] levelShift(long seed, int n, int shiftAt, double before, double after) {
    return series(seed, n, shiftAt, before, after, 0.5, 0.5);
  }

  /** Level and noise both change at {@code shiftAt}. */
  static double[] series(
      long seed, int n, int shiftAt, double before, double after, double noise, double noiseAfter) {
    Rng rng = new Rng(seed);
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      double g =
          Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
      y[t] =
          (t < shiftAt ? before : after)
              + 2 * Math.sin(2 * Math.PI * t / 24)
              + (t < shiftAt ? noise : noiseAfter) * g;
    }
    return y;
  }

  static TftWindow window(double[] y, int origin) {
    double[][] observed = new double[LAGS][1];
    for (int i = 0; i < LAGS; i++) {
      observed[i][0] = y[origin - LAGS + i];
    }
    return new TftWindow(observed, new double[LAGS + HORIZON][0], new String[0], new double[0]);
  }

  static TrainingSample sample(double[] y, int origin) {
    double[] future = new double[HORIZON];
    System.arraycopy(y, origin, future, 0, HORIZON);
    return new TrainingSample(window(y, origin), future);
  }

  /** A linear model trained offline on origins [LAGS, end - HORIZON]: the frozen model. */
  static LinearAr trainFrozen(LinearArOps ops, double[] y, int end) {
    List<TrainingSample> train = new ArrayList<>();
    for (int o = LAGS; o + HORIZON <= end; o++) {
      train.add(sample(y, o));
    }
    LinearAr zero = new LinearAr(new double[HORIZON][3][LAGS + 1], 10.0);
    UpdateSettings s = new UpdateSettings(0.05, 300, 32, 0, true, java.util.Set.of(), 0, 0, 1);
    return ops.train(zero, train, List.of(), s).model();
  }

  static OnlineConfig testConfig(Map<String, String> overrides) {
    Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("strategy", "replay");
    o.put("update_frequency_minutes", "360");
    o.put("min_samples_for_update", "5");
    o.put("online_learning_rate", "0.02");
    o.put("online_epochs", "3");
    o.put("online_batch_size", "16");
    o.put("shadow_minutes", "0");
    o.put("distillation_weight", "0");
    o.put("drift_window_size", "96");
    o.put("rollback_min_samples", "12");
    o.put("holdout_max_samples", "48");
    o.putAll(overrides);
    return OnlineConfig.load(null, null, o);
  }

  private record Pending(int origin, double[][] served, long version) {}

  OnlineLearner<LinearAr> learner;
  final LinearArOps ops;
  final List<LearningEvent> events = new ArrayList<>();
  private final Deque<Pending> pending = new ArrayDeque<>();

  SyntheticStream(OnlineLearner<LinearAr> learner, LinearArOps ops) {
    this.learner = learner;
    this.ops = ops;
  }

  /**
   * Runs origins [from, to) over y, with actuals as {@code truth} maps them (identity = honest
   * data); returns the absolute P50 error of each served forecast's first step, by origin.
   */
  double[] run(double[] y, int from, int to, DoubleUnaryOperator truth) {
    double[] err = new double[to - from];
    for (int o = from; o < to; o++) {
      double[][] f = learner.forecast(List.of(window(y, o)))[0];
      pending.addLast(new Pending(o, f, learner.served().version()));
      err[o - from] = Math.abs(y[o] - f[0][1]);
      while (!pending.isEmpty() && pending.peekFirst().origin() + HORIZON <= o) {
        Pending p = pending.removeFirst();
        TrainingSample s = sample(y, p.origin());
        double[] actual = s.futureTarget().clone();
        for (int h = 0; h < actual.length; h++) {
          actual[h] = truth.applyAsDouble(actual[h]);
        }
        events.addAll(
            learner.observe(
                new MaturedSample(
                    HOST,
                    p.origin() * STEP_MS,
                    new TrainingSample(s.window(), actual),
                    p.served(),
                    p.version())));
      }
      step(o * STEP_MS);
    }
    return err;
  }

  /** Observes one sample with the given actuals, as served by the current model. */
  void observePoisoned(double[] y, int origin, double actual) {
    TrainingSample s = sample(y, origin);
    double[] future = new double[HORIZON];
    java.util.Arrays.fill(future, actual);
    double[][] served = learner.forecast(List.of(s.window()))[0];
    events.addAll(
        learner.observe(
            new MaturedSample(
                HOST,
                origin * STEP_MS,
                new TrainingSample(s.window(), future),
                served,
                learner.served().version())));
  }

  void step(long t) {
    learner.pollUpdate(t).ifPresent(r -> events.addAll(learner.complete(r.run(ops))));
    events.addAll(learner.drainEvents());
  }

  List<LearningEvent> ofType(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}
