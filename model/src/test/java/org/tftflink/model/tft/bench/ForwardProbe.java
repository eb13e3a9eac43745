package org.tftflink.model.tft.bench;

import java.util.List;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.TftGraph;

/** Quick forward timing per batch size and op count of the reference graph (a tool, not a test). */
public final class ForwardProbe {
  private ForwardProbe() {}

  public static void main(String[] args) {
    TftConfig c = TftConfig.reference();
    TftModel model = TftModel.create(c, FeatureScaler.identity(c));
    System.out.println(
        "ops in graph: "
            + model.graph().operationCount()
            + ", parameters "
            + model.parameterCount());
    for (String a : args) {
      int b = Integer.parseInt(a);
      List<TftWindow> w = TestWindows.windows(c, b, 1);
      EncodedBatch e = model.encoder().encode(w);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        model.output(e, TftGraph.PREDICTION);
        best = Math.min(best, System.nanoTime() - t0);
      }
      System.out.printf(
          "batch %d: best forward %.1f ms, %.0f samples/s%n", b, best / 1e6, b / (best / 1e9));
    }
  }
}
