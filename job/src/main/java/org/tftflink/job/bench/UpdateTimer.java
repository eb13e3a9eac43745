package org.tftflink.job.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tftflink.model.online.UpdateOutcome;
import org.tftflink.model.online.UpdateRequest;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.strategy.LearningRateSchedule;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;

/**
 * Times one online update of a TFT configuration outside the stream, as the trainer runs it ({@link
 * UpdateRequest#run}: train, then the candidate and its parent on the hold-out), with the sizes an
 * update of the preset has once its stores are full: {@code max_update_samples} training samples,
 * two batches of anchors when distillation or EWC is on, {@code holdout_max_samples} hold-out
 * samples. The windows are a noisy daily sine with a level per sample: the cost does not depend on
 * the values.
 */
final class UpdateTimer {

  /** One timed update: its sizes and seconds (train and gate together). */
  record Timed(String model, int samples, int epochs, int anchors, int holdout, double seconds) {
    double samplesPerSecond() {
      return (double) samples * epochs / seconds;
    }
  }

  private UpdateTimer() {}

  /**
   * A warm-up update of one batch first (SameDiff builds the gradient function on the first
   * backward pass), then the timed one.
   */
  static Timed time(String name, TftConfig config, OnlineConfig online) {
    TftModel model = TftModel.create(config, FeatureScaler.identity(config));
    TftWeights parent = TftWeights.of(model, null);
    TftModelOps ops = new TftModelOps(parent);
    SplittableRandom random = new SplittableRandom(online.seed());
    int anchors = online.distillationWeight() > 0 || online.ewcWeight() > 0 ? 2 : 0;
    int batch = online.onlineBatchSize();
    request(config, online, parent, batch, anchors * batch, batch, random).run(ops);
    UpdateRequest<TftWeights> timed =
        request(
            config,
            online,
            parent,
            online.maxUpdateSamples(),
            anchors * batch,
            online.holdoutMaxSamples(),
            random);
    long t0 = System.nanoTime();
    UpdateOutcome<TftWeights> outcome = timed.run(ops);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (outcome.candidate().aborted()) {
      throw new IllegalStateException(
          "the timed update of " + name + " aborted: " + outcome.candidate());
    }
    return new Timed(
        name,
        timed.train().size(),
        timed.settings().epochs(),
        timed.anchors().size(),
        timed.holdout().size(),
        seconds);
  }

  private static UpdateRequest<TftWeights> request(
      TftConfig config,
      OnlineConfig online,
      TftWeights parent,
      int train,
      int anchors,
      int holdout,
      SplittableRandom random) {
    return new UpdateRequest<>(
        1,
        "schedule",
        0,
        1,
        parent,
        samples(config, train, random),
        samples(config, anchors, random),
        samples(config, holdout, random),
        LearningRateSchedule.settings(online, 1, false, online.seed()),
        List.of(),
        List.of());
  }

  private static List<TrainingSample> samples(TftConfig c, int n, SplittableRandom random) {
    List<TrainingSample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double level = 20 + 60 * random.nextDouble();
      int start = random.nextInt(288);
      double[][] observed = new double[c.encoderLength()][c.observedReals()];
      double[][] known = new double[c.totalLength()][c.knownReals()];
      double[] future = new double[c.horizon()];
      for (int t = 0; t < c.totalLength(); t++) {
        double y = level * (1 + 0.3 * Math.sin(2 * Math.PI * (start + t) / 288.0));
        y += random.nextGaussian();
        if (t < c.encoderLength()) {
          for (int k = 0; k < c.observedReals(); k++) {
            observed[t][k] = k == 0 ? y : y * 0.5 + random.nextGaussian();
          }
        } else {
          future[t - c.encoderLength()] = y;
        }
        for (int k = 0; k < c.knownReals(); k++) {
          known[t][k] = Math.sin(2 * Math.PI * (start + t) / (288.0 * (k + 1)));
        }
      }
      String[] categoricals = new String[c.staticCategoricals()];
      for (int k = 0; k < categoricals.length; k++) {
        categoricals[k] = "host-" + random.nextInt(1000);
      }
      out.add(
          new TrainingSample(
              new TftWindow(observed, known, categoricals, new double[c.staticReals()]), future));
    }
    return out;
  }
}
