package org.tftflink.model.online;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tftflink.model.online.safety.SampleScreen;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * ModelOps of {@link LinearAr}: minibatch SGD on the pinball loss with gradient clipping, aborting
 * on non-finite weights. It has no optimizer state, blocks, EWC or distillation (those are the
 * TFT's); the learning core's tests need a model that really learns, not those.
 */
final class LinearArOps implements ModelOps<LinearAr> {
  static final double[] QUANTILES = {0.1, 0.5, 0.9};

  /** Centre 0 and the model's fixed training scale: what its inputs are divided by. */
  @Override
  public SampleScreen.Scale targetScale(LinearAr m) {
    return new SampleScreen.Scale(0, m.scale());
  }

  @Override
  public double[] quantiles() {
    return QUANTILES.clone();
  }

  static double[] features(TftWindow window, int lags, double scale) {
    double[] y = window.targetHistory();
    double[] x = new double[lags + 1];
    for (int i = 0; i < lags; i++) {
      double v = y[y.length - lags + i];
      x[i] = Double.isNaN(v) ? 0 : v / scale;
    }
    x[lags] = 1;
    return x;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Override
  public double[][][] predict(LinearAr m, List<TftWindow> windows) {
    double[][][] out = new double[windows.size()][][];
    for (int i = 0; i < windows.size(); i++) {
      double[] x = features(windows.get(i), m.lags(), m.scale());
      out[i] = new double[m.w().length][QUANTILES.length];
      for (int h = 0; h < m.w().length; h++) {
        for (int q = 0; q < QUANTILES.length; q++) {
          out[i][h][q] = m.scale() * dot(m.w()[h][q], x);
        }
        Arrays.sort(out[i][h]); // quantiles must not cross
      }
    }
    return out;
  }

  // samples scored from forecasts already made (the live scoring's tests)
  long forecastScored;

  /** Calls of {@link #train}: what an update refused before training must not add to. */
  long trainCalls;

  /**
   * Pinball loss of the forecasts {@link #predict} gives (sorted quantiles), on the model's scale.
   */
  @Override
  public double forecastLoss(LinearAr m, List<TrainingSample> samples, List<double[][]> forecasts) {
    forecastScored += samples.size();
    return pinball(m, samples, forecasts);
  }

  @Override
  public double loss(LinearAr m, List<TrainingSample> samples) {
    return pinball(
        m, samples, List.of(predict(m, samples.stream().map(TrainingSample::window).toList())));
  }

  private static double pinball(
      LinearAr m, List<TrainingSample> samples, List<double[][]> forecasts) {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < samples.size(); i++) {
      double[] y = samples.get(i).futureTarget();
      for (int h = 0; h < y.length; h++) {
        if (Double.isNaN(y[h])) {
          continue;
        }
        for (int q = 0; q < QUANTILES.length; q++) {
          double d = (y[h] - forecasts.get(i)[h][q]) / m.scale();
          sum += Math.max(QUANTILES[q] * d, (QUANTILES[q] - 1) * d);
          n++;
        }
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  @Override
  public Candidate<LinearAr> train(
      LinearAr parent, List<TrainingSample> train, List<TrainingSample> anchors, UpdateSettings s) {
    trainCalls++;
    LinearAr m = parent.copy();
    List<TrainingSample> order = new ArrayList<>(train);
    Rng rng = new Rng(s.seed());
    int steps = 0;
    for (int e = 0; e < s.epochs(); e++) {
      for (int i = order.size() - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        TrainingSample t = order.get(i);
        order.set(i, order.get(j));
        order.set(j, t);
      }
      for (int b = 0; b < order.size(); b += s.batchSize()) {
        step(m, order.subList(b, Math.min(order.size(), b + s.batchSize())), s);
        steps++;
      }
    }
    for (double[][] a : m.w()) {
      for (double[] v : a) {
        for (double x : v) {
          if (!Double.isFinite(x)) {
            return new Candidate<>(null, Double.NaN, steps, train.size(), "non-finite weights");
          }
        }
      }
    }
    return new Candidate<>(m, loss(m, train), steps, train.size(), null);
  }

  private static void step(LinearAr m, List<TrainingSample> batch, UpdateSettings s) {
    double[][][] w = m.w();
    double[][][] g = new double[w.length][QUANTILES.length][w[0][0].length];
    for (TrainingSample t : batch) {
      double[] x = features(t.window(), m.lags(), m.scale());
      for (int h = 0; h < w.length; h++) {
        double y = t.futureTarget()[h];
        if (Double.isNaN(y)) {
          continue;
        }
        for (int q = 0; q < QUANTILES.length; q++) {
          double d = y / m.scale() - dot(w[h][q], x);
          double dPred = d > 0 ? -QUANTILES[q] : 1 - QUANTILES[q];
          for (int k = 0; k < x.length; k++) {
            g[h][q][k] += dPred * x[k] / batch.size();
          }
        }
      }
    }
    double norm = 0;
    for (double[][] a : g) {
      for (double[] v : a) {
        norm += dot(v, v);
      }
    }
    norm = Math.sqrt(norm);
    double factor = s.clipNorm() > 0 && norm > s.clipNorm() ? s.clipNorm() / norm : 1;
    for (int h = 0; h < w.length; h++) {
      for (int q = 0; q < QUANTILES.length; q++) {
        for (int k = 0; k < w[h][q].length; k++) {
          w[h][q][k] -= s.learningRate() * factor * g[h][q][k];
        }
      }
    }
  }

  @Override
  public byte[] encode(LinearAr m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeDouble(m.scale());
      out.writeInt(m.w().length);
      out.writeInt(m.w()[0].length);
      out.writeInt(m.w()[0][0].length);
      for (double[][] a : m.w()) {
        for (double[] v : a) {
          for (double x : v) {
            out.writeDouble(x);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public LinearAr decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      double scale = in.readDouble();
      double[][][] w = new double[in.readInt()][in.readInt()][in.readInt()];
      for (double[][] a : w) {
        for (double[] v : a) {
          for (int k = 0; k < v.length; k++) {
            v[k] = in.readDouble();
          }
        }
      }
      return new LinearAr(w, scale);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
