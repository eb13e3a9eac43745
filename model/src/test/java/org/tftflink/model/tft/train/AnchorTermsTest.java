package org.tftflink.model.tft.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.tftflink.model.tft.train.FineTuneSamples.CONFIG;
import static org.tftflink.model.tft.train.FineTuneSamples.model;
import static org.tftflink.model.tft.train.FineTuneSamples.sine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TrainingSample;

/** The EWC penalty and the distillation term keep a fine-tuned model near its parent. */
class AnchorTermsTest {
  private final List<TrainingSample> old = sine(CONFIG, 64, 1, 0);
  private final List<TrainingSample> shifted = sine(CONFIG, 64, 2, 40);

  /** A parent trained briefly on the old regime, so that its forecasts mean something. */
  private TftModel parent() {
    TftModel m = model(CONFIG, old);
    new TftFineTuner(m).tune(old, List.of(), null, FineTuneSettings.of(1e-2, 3, 16, 1));
    return m;
  }

  private static FineTuneSettings withAnchors(double ewc, double distillation) {
    return new FineTuneSettings(1e-2, 2, 16, 0, 1.0, true, Set.of(), ewc, distillation, 5);
  }

  private static double distance(Map<String, double[]> a, Map<String, double[]> b) {
    double s = 0;
    for (String n : a.keySet()) {
      for (int i = 0; i < a.get(n).length; i++) {
        double d = a.get(n)[i] - b.get(n)[i];
        s += d * d;
      }
    }
    return Math.sqrt(s);
  }

  @Test
  void shouldPullWeightsTowardsTheParentWhenEwcIsOn() {
    TftModel free = parent();
    Map<String, double[]> start = free.parameterValues();
    TftModel consolidated = free.copy();
    List<TrainingSample> anchors = old.subList(0, 32);
    // the same Fisher as the run with EWC estimates, to measure the free run in EWC's own metric
    ElasticWeightConsolidation freeMetric =
        ElasticWeightConsolidation.estimate(
            new BatchGradient(free, 16), free.parameters(), start.keySet(), anchors, 16);

    new TftFineTuner(free).tune(shifted, anchors, null, withAnchors(0, 0));
    TftFineTuner.Session s =
        new TftFineTuner(consolidated).start(anchors, null, withAnchors(100, 0));
    List<TrainingSample> order = new java.util.ArrayList<>(shifted);
    java.util.Collections.shuffle(order, new java.util.Random(5));
    for (int b = 0; b < 8; b++) {
      s.step(order.subList(16 * (b % 4), 16 * (b % 4) + 16));
    }

    assertThat(s.ewcPenalty() / 100).isPositive().isLessThan(0.5 * freeMetric.penalty(1));
    assertThat(distance(consolidated.parameterValues(), start))
        .isLessThan(distance(free.parameterValues(), start));
    assertThat(new TftTrainer(consolidated).loss(anchors))
        .isLessThan(new TftTrainer(free).loss(anchors));
  }

  @Test
  void shouldKeepQuantilesNearTheParentsWhenDistilling() {
    TftModel free = parent();
    List<TrainingSample> anchors = old.subList(0, 32);
    List<Forecast> teacher = free.predict(anchors.stream().map(TrainingSample::window).toList());
    TftModel distilled = free.copy();

    new TftFineTuner(free).tune(shifted, anchors, null, withAnchors(0, 0));
    new TftFineTuner(distilled).tune(shifted, anchors, null, withAnchors(0, 3));

    double freeGap = gap(free, anchors, teacher);
    double distilledGap = gap(distilled, anchors, teacher);
    assertThat(distilledGap).isLessThan(0.7 * freeGap);
  }

  private static double gap(TftModel m, List<TrainingSample> anchors, List<Forecast> teacher) {
    List<Forecast> f = m.predict(anchors.stream().map(TrainingSample::window).toList());
    double s = 0;
    int n = 0;
    for (int i = 0; i < f.size(); i++) {
      for (int t = 0; t < f.get(i).values().length; t++) {
        for (int k = 0; k < f.get(i).values()[t].length; k++) {
          s += Math.abs(f.get(i).values()[t][k] - teacher.get(i).values()[t][k]);
          n++;
        }
      }
    }
    return s / n;
  }

  @Test
  void shouldPlaceEachQuantilesPinballMinimumAtTheTeachersQuantile() {
    double[] levels = {0.1, 0.5, 0.9};
    double[] masses = Distillation.masses(levels);
    double[] teacher = {2.0, 3.5, 7.0};

    assertThat(masses).containsExactly(new double[] {0.3, 0.4, 0.3}, within(1e-12));
    for (int k = 0; k < levels.length; k++) {
      double best = Double.NaN;
      double bestLoss = Double.POSITIVE_INFINITY;
      for (double p = 0; p <= 9; p += 0.01) {
        double loss = 0;
        for (int j = 0; j < teacher.length; j++) {
          double e = teacher[j] - p;
          loss += masses[j] * Math.max(levels[k] * e, (levels[k] - 1) * e);
        }
        if (loss < bestLoss - 1e-12) {
          bestLoss = loss;
          best = p;
        }
      }
      assertThat(best).as("quantile %s", levels[k]).isCloseTo(teacher[k], within(0.011));
    }
  }
}
