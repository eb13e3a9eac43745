package org.tftflink.model.online.tft;

import java.util.List;
import java.util.Set;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.UpdateSettings;
import org.tftflink.model.tft.TrainingSample;

/**
 * Times online updates of the bundled demo model on NAB windows: {@code <samples> <epochs>
 * <distillationWeight> <ewcWeight> <repeats>} (a tool, not a test). The first update includes
 * SameDiff's one-time creation of the gradient function.
 */
public final class UpdateProbe {
  private UpdateProbe() {}

  public static void main(String[] args) {
    int samples = Integer.parseInt(args[0]);
    int epochs = Integer.parseInt(args[1]);
    double distillation = Double.parseDouble(args[2]);
    double ewc = Double.parseDouble(args[3]);
    int repeats = Integer.parseInt(args[4]);
    long t0 = System.nanoTime();
    TftModelOps ops = TftModelOps.fromEnvelope(NabFixture.envelope());
    TftWeights parent = ops.initial();
    System.out.printf("build working model: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    List<TrainingSample> train =
        NabFixture.samples(parent.config(), 0.5, 2000, 1980, 1980 + samples - 1);
    List<TrainingSample> anchors = NabFixture.samples(parent.config(), 0, 4000, 600, 663);
    List<TrainingSample> test = NabFixture.samples(parent.config(), 0.5, 2000, 2300, 2427);
    System.out.printf("loss on shifted test windows before: %.5f%n", ops.loss(parent, test));
    for (int r = 0; r < repeats; r++) {
      UpdateSettings s =
          new UpdateSettings(1e-3, epochs, 64, 1.0, false, Set.of(), ewc, distillation, r);
      long start = System.nanoTime();
      Candidate<TftWeights> c = ops.train(parent, train, anchors, s);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "update %d: %d samples x %d epochs, %d steps, %.2f s, %.0f samples/s, train loss %.5f,"
              + " shifted test loss after %.5f%n",
          r + 1,
          samples,
          epochs,
          c.steps(),
          seconds,
          samples * epochs / seconds,
          c.trainLoss(),
          ops.loss(c.model(), test));
    }
  }
}
