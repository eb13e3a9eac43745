package org.tftflink.model.tft.bench;

import java.util.List;
import java.util.stream.IntStream;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.train.TftTrainer;

/**
 * Quick probe of training-step time and resident memory: {@code <batch> <steps>} (a tool, not a
 * test).
 */
public final class StepProbe {
  private StepProbe() {}

  public static void main(String[] args) throws Exception {
    int batch = Integer.parseInt(args[0]);
    int steps = Integer.parseInt(args[1]);
    TftConfig c =
        TftConfig.reference().toBuilder().missingIndicators(false).batchSize(batch).build();
    List<TftWindow> w = TestWindows.windows(c, batch, 2);
    List<double[]> f = TestWindows.futures(c, batch, 3);
    List<TrainingSample> s =
        IntStream.range(0, batch).mapToObj(i -> new TrainingSample(w.get(i), f.get(i))).toList();
    TftModel model = TftModel.create(c, FeatureScaler.fit(c, w));
    TftTrainer trainer = new TftTrainer(model);
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      double loss = trainer.step(s);
      long t1 = System.nanoTime();
      model.predict(w);
      long t2 = System.nanoTime();
      String rss =
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("VmRSS"))
              .findFirst()
              .orElse("");
      System.out.printf(
          "step %d loss %.4f  train %d ms  forward %d ms  %s%n",
          i, loss, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, rss);
    }
  }
}
