package org.tftflink.model.tft.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;

/** A tiny TFT and seasonal samples (optionally level-shifted) for fine-tuning tests. */
final class FineTuneSamples {
  static final TftConfig CONFIG =
      TftConfig.builder()
          .hiddenSize(8)
          .attentionHeads(2)
          .hiddenContinuousSize(4)
          .encoderLength(12)
          .horizon(4)
          .observedReals(1)
          .knownReals(1)
          .missingIndicators(false)
          .batchSize(16)
          .dropout(0)
          .learningRate(1e-2)
          .gradientClipNorm(1.0)
          .dataType("FLOAT")
          .seed(3)
          .build();

  private FineTuneSamples() {}

  /** Sine of period 8 around a random level; {@code shift} is added to history and future. */
  static List<TrainingSample> sine(TftConfig c, int n, long seed, double shift) {
    Random r = new Random(seed);
    List<TrainingSample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int start = r.nextInt(1000);
      double level = 50 + 20 * r.nextGaussian();
      double[][] observed = new double[c.encoderLength()][1];
      double[][] known = new double[c.totalLength()][1];
      double[] future = new double[c.horizon()];
      for (int t = 0; t < c.totalLength(); t++) {
        double phase = (start + t) % 8;
        // the shift grows over the window, so that a model of the unshifted series is off
        double y =
            level
                + 5 * Math.sin(2 * Math.PI * phase / 8)
                + 0.2 * r.nextGaussian()
                + shift * t / c.totalLength();
        known[t][0] = phase;
        if (t < c.encoderLength()) {
          observed[t][0] = y;
        } else {
          future[t - c.encoderLength()] = y;
        }
      }
      out.add(
          new TrainingSample(new TftWindow(observed, known, new String[0], new double[0]), future));
    }
    return out;
  }

  static TftModel model(TftConfig c, List<TrainingSample> samples) {
    return TftModel.create(
        c, FeatureScaler.fit(c, samples.stream().map(TrainingSample::window).toList()));
  }
}
