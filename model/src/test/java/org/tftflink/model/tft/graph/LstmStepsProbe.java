package org.tftflink.model.tft.graph;

import java.util.Random;

/**
 * Time of the LSTM recurrence alone (forward and backward over a 192-step window, hidden 32, batch
 * 64, the shape of one half of a pf-parity training step): {@code <iterations>} (a tool, not a
 * test).
 */
public final class LstmStepsProbe {
  private LstmStepsProbe() {}

  public static void main(String[] args) {
    int iterations = Integer.parseInt(args[0]);
    int batch = 64;
    int steps = 192;
    int hidden = 32;
    Random r = new Random(1);
    double[] wh = new double[hidden * 4 * hidden];
    for (int i = 0; i < wh.length; i++) {
      wh[i] = r.nextGaussian() * 0.1;
    }
    double[] projections = new double[batch * steps * 4 * hidden];
    for (int i = 0; i < projections.length; i++) {
      projections[i] = r.nextGaussian();
    }
    double[] dHiddens = new double[batch * steps * hidden];
    for (int i = 0; i < dHiddens.length; i++) {
      dHiddens[i] = r.nextGaussian();
    }
    double[] h0 = new double[batch * hidden];
    double[] c0 = new double[batch * hidden];
    for (int round = 0; round < 3; round++) {
      long forward = 0;
      long backward = 0;
      double check = 0;
      for (int i = 0; i < iterations; i++) {
        LstmSteps s = new LstmSteps(batch, steps, hidden);
        System.arraycopy(projections, 0, s.gates, 0, projections.length);
        long t0 = System.nanoTime();
        s.forward(wh, h0.clone(), c0.clone(), 0, steps);
        long t1 = System.nanoTime();
        double[] dGates = new double[s.gates.length];
        double[] dWh = new double[wh.length];
        s.backward(
            dHiddens,
            dGates,
            new double[h0.length],
            new double[c0.length],
            wh,
            dWh,
            h0,
            c0,
            0,
            steps);
        long t2 = System.nanoTime();
        forward += t1 - t0;
        backward += t2 - t1;
        check += dWh[7] + s.hiddens[11];
      }
      System.out.printf(
          "round %d: forward %.2f ms, backward %.2f ms (check %.6f)%n",
          round, forward / 1e6 / iterations, backward / 1e6 / iterations, check / iterations);
    }
  }
}
