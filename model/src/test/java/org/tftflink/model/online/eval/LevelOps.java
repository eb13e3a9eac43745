package org.tftflink.model.online.eval;

import java.util.List;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * A tiny real forecaster for the evaluation's tests: the model is a level; it forecasts level-1,
 * level, level+1 for the 0.1, 0.5 and 0.9 quantiles at every step and trains to the mean actual.
 */
final class LevelOps implements ModelOps<Double> {
  private final int horizon;

  LevelOps(int horizon) {
    this.horizon = horizon;
  }

  @Override
  public double[] quantiles() {
    return new double[] {0.1, 0.5, 0.9};
  }

  @Override
  public double[][][] predict(Double model, List<TftWindow> windows) {
    double[][][] out = new double[windows.size()][horizon][];
    for (double[][] w : out) {
      for (int h = 0; h < horizon; h++) {
        w[h] = new double[] {model - 1, model, model + 1};
      }
    }
    return out;
  }

  @Override
  public double loss(Double model, List<TrainingSample> samples) {
    double s = 0;
    int n = 0;
    for (TrainingSample t : samples) {
      for (double y : t.futureTarget()) {
        s += Math.abs(y - model) / 2;
        n++;
      }
    }
    return s / n;
  }

  @Override
  public Candidate<Double> train(
      Double parent,
      List<TrainingSample> train,
      List<TrainingSample> anchors,
      UpdateSettings settings) {
    double s = 0;
    int n = 0;
    for (TrainingSample t : train) {
      for (double y : t.futureTarget()) {
        s += y;
        n++;
      }
    }
    return new Candidate<>(n == 0 ? parent : s / n, 0, 1, train.size(), null);
  }

  @Override
  public byte[] encode(Double model) {
    return Double.toString(model).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public Double decode(byte[] bytes) {
    return Double.parseDouble(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
  }
}
