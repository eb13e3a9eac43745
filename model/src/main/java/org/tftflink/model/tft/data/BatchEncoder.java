package org.tftflink.model.tft.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.graph.TftGraph;

/**
 * Turns windows into scaled graph inputs: the target by each window's own encoder mean and standard
 * deviation (like PyTorch Forecasting's EncoderNormalizer), covariates by the fitted {@link
 * FeatureScaler}; the window's location and scale also become static reals so that the network
 * still sees the level.
 */
public final class BatchEncoder {
  private final TftConfig config;
  private final FeatureScaler scaler;
  private final DataType dataType;

  public BatchEncoder(TftConfig config, FeatureScaler scaler) {
    this.config = config;
    this.scaler = scaler;
    this.dataType = DataType.valueOf(config.dataType());
  }

  public FeatureScaler scaler() {
    return scaler;
  }

  /** Inputs only (inference). */
  public EncodedBatch encode(List<TftWindow> windows) {
    return encode(windows, null);
  }

  /**
   * @param futureTargets per window {@code [horizon]} actuals in original units ({@code NaN} =
   *     missing, weight 0), or null for inference
   */
  public EncodedBatch encode(List<TftWindow> windows, List<double[]> futureTargets) {
    int b = windows.size();
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    int nObs = config.observedReals();
    int nKnown = config.knownReals();
    int nEnc = config.encoderVariables();
    int nDec = config.decoderVariables();
    int nStatic = config.staticRealInputs();
    double[] enc = new double[b * tEnc * nEnc];
    double[] dec = new double[b * tDec * nDec];
    double[] stat = new double[b * nStatic];
    double[] loc = new double[b];
    double[] scale = new double[b];
    double targetMean = scaler.observedMean()[0];
    double targetStd = scaler.observedStd()[0];
    for (int i = 0; i < b; i++) {
      TftWindow w = windows.get(i);
      w.validate(config);
      double[] ls = locationScale(w.targetHistory(), targetMean, targetStd);
      loc[i] = ls[0];
      scale[i] = ls[1];
      for (int t = 0; t < tEnc; t++) {
        int base = (i * tEnc + t) * nEnc;
        int col = 0;
        for (int j = 0; j < nObs; j++) {
          double v = w.observed()[t][j];
          double z =
              j == 0
                  ? (v - loc[i]) / scale[i]
                  : (v - scaler.observedMean()[j]) / scaler.observedStd()[j];
          enc[base + col++] = Double.isFinite(v) ? z : 0.0;
        }
        if (config.missingIndicators()) {
          for (int j = 0; j < nObs; j++) {
            enc[base + col++] = Double.isFinite(w.observed()[t][j]) ? 0.0 : 1.0;
          }
        }
        col = knownInto(enc, base + col, w.known()[t]) - base;
        if (config.relativeTimeIndex()) {
          enc[base + col] = relativeTime(t);
        }
      }
      for (int t = 0; t < tDec; t++) {
        int base = (i * tDec + t) * nDec;
        int end = knownInto(dec, base, w.known()[tEnc + t]);
        if (config.relativeTimeIndex()) {
          dec[end] = relativeTime(tEnc + t);
        }
      }
      int sb = i * nStatic;
      for (int j = 0; j < config.staticReals(); j++) {
        stat[sb + j] = (w.staticReals()[j] - scaler.staticMean()[j]) / scaler.staticStd()[j];
      }
      if (config.targetScaleInputs()) {
        stat[sb + config.staticReals()] = (loc[i] - targetMean) / targetStd;
        stat[sb + config.staticReals() + 1] = Math.log(scale[i] / targetStd);
      }
    }
    Map<String, INDArray> feeds = new HashMap<>();
    feeds.put(TftGraph.ENCODER_REAL, array(enc, b, tEnc, nEnc));
    feeds.put(TftGraph.DECODER_REAL, array(dec, b, tDec, nDec));
    feeds.put(TftGraph.STATIC_REAL, array(stat, b, nStatic));
    if (config.staticCategoricals() > 0) {
      feeds.put(TftGraph.STATIC_CATEGORICAL, oneHot(windows));
    }
    if (futureTargets != null) {
      double[] y = new double[b * tDec];
      double[] weight = new double[b * tDec];
      for (int i = 0; i < b; i++) {
        double[] future = futureTargets.get(i);
        if (future.length != tDec) {
          throw new IllegalArgumentException(
              "future target of window "
                  + i
                  + " has "
                  + future.length
                  + " steps, expected the horizon "
                  + tDec);
        }
        for (int t = 0; t < tDec; t++) {
          boolean seen = Double.isFinite(future[t]);
          y[i * tDec + t] = seen ? (future[t] - loc[i]) / scale[i] : 0.0;
          weight[i * tDec + t] = seen ? 1.0 : 0.0;
        }
      }
      feeds.put(TftGraph.TARGET, array(y, b, tDec));
      feeds.put(TftGraph.TARGET_WEIGHT, array(weight, b, tDec));
    }
    return new EncodedBatch(feeds, loc, scale, b);
  }

  private int knownInto(double[] dst, int offset, double[] known) {
    for (int k = 0; k < known.length; k++) {
      dst[offset + k] = (known[k] - scaler.knownMean()[k]) / scaler.knownStd()[k];
    }
    return offset + known.length;
  }

  private double relativeTime(int t) {
    return (t - config.encoderLength()) / (double) config.encoderLength();
  }

  /**
   * The scale the window's target is divided by (its encoder standard deviation, floored): the loss
   * on the model's scale is the loss in original units over it.
   */
  public double targetScale(TftWindow w) {
    return locationScale(w.targetHistory(), scaler.observedMean()[0], scaler.observedStd()[0])[1];
  }

  /**
   * Mean and standard deviation of the observed target history, floored so a flat history stays
   * finite.
   */
  double[] locationScale(double[] history, double globalMean, double globalStd) {
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (double v : history) {
      if (Double.isFinite(v)) {
        sum += v;
        sumSq += v * v;
        n++;
      }
    }
    if (n == 0) {
      return new double[] {globalMean, globalStd};
    }
    double mean = sum / n;
    double std = Math.sqrt(Math.max(sumSq / n - mean * mean, 0));
    return new double[] {mean, Math.max(std, config.targetScaleFloor() * globalStd)};
  }

  private INDArray oneHot(List<TftWindow> windows) {
    int b = windows.size();
    int nCat = config.staticCategoricals();
    int buckets = config.hashBuckets();
    double[] data = new double[nCat * b * buckets];
    for (int j = 0; j < nCat; j++) {
      for (int i = 0; i < b; i++) {
        int bucket = CategoricalHasher.bucket(j, windows.get(i).staticCategoricals()[j], buckets);
        data[(j * b + i) * buckets + bucket] = 1.0;
      }
    }
    return array(data, nCat, b, buckets);
  }

  private INDArray array(double[] data, long... shape) {
    INDArray a = Nd4j.create(data, shape, DataType.DOUBLE);
    return dataType == DataType.DOUBLE ? a : a.castTo(dataType);
  }
}
