package org.tftflink.model.tft.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;

/**
 * Models and batches for comparing the Java passes with the SameDiff graphs: every parameter
 * random, some inputs and targets missing.
 */
final class RandomModels {
  private RandomModels() {}

  /** A batch encoded for the model and the same windows as training samples. */
  record Samples(EncodedBatch encoded, List<TrainingSample> samples) {}

  /**
   * A model whose every parameter (biases, gains and embeddings included) is random; sets ND4J's
   * default data type to the configuration's.
   */
  static TftModel randomised(TftConfig config, long seed) {
    DataType dt = DataType.valueOf(config.dataType());
    Nd4j.setDefaultDataTypes(dt, dt);
    TftModel model = TftModel.create(config, FeatureScaler.identity(config));
    Random r = new Random(seed);
    for (INDArray p : model.parameters().values()) {
      double[] values = new double[(int) p.length()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (r.nextDouble() - 0.5) * 0.8;
      }
      p.assign(Nd4j.create(values, p.shape(), DataType.DOUBLE).castTo(p.dataType()));
    }
    return model;
  }

  /** Windows with some observed values and future targets missing (NaN). */
  static Samples batch(TftModel model, int n, long seed) {
    TftConfig config = model.config();
    Random r = new Random(seed);
    List<TftWindow> windows = new ArrayList<>(TestWindows.windows(config, n, seed));
    for (TftWindow w : windows) {
      for (double[] row : w.observed()) {
        for (int j = 0; j < row.length; j++) {
          if (r.nextDouble() < 0.1) {
            row[j] = Double.NaN;
          }
        }
      }
    }
    List<double[]> futures = TestWindows.futures(config, n, seed + 100);
    futures.get(0)[0] = Double.NaN;
    EncodedBatch encoded = model.encoder().encode(windows, futures);
    List<TrainingSample> samples =
        IntStream.range(0, n)
            .mapToObj(i -> new TrainingSample(windows.get(i), futures.get(i)))
            .toList();
    return new Samples(encoded, samples);
  }
}
