package org.tftflink.model.online.federated;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.envelope.OptimizerState;

/**
 * Federated averaging of shard updates (FedAvg): shards that each trained a candidate from the same
 * global version on their own hosts' samples are combined into the next global candidate as the
 * average of their parameters weighted by their sample counts; Adam's moments are averaged the same
 * way, so the next update continues from them. Averaging weights of models fine-tuned from one
 * parent with a small learning rate stays meaningful (the models lie in one basin); the result is
 * gated like any other candidate. A shard without samples weighs 0; one shard gives its own weights
 * back exactly (weight 1.0), so one shard is plain training.
 */
public final class FederatedAverage {

  private FederatedAverage() {}

  /** Each shard's share: its sample count over the total (exactly 1.0 for a lone shard). */
  public static double[] shares(long[] sampleCounts) {
    long total = 0;
    for (long n : sampleCounts) {
      if (n < 0) {
        throw new IllegalArgumentException("a shard's sample count must be >= 0, got " + n);
      }
      total += n;
    }
    if (total == 0) {
      throw new IllegalArgumentException(
          "no shard has samples: there is no update to average (" + sampleCounts.length + ")");
    }
    double[] w = new double[sampleCounts.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = sampleCounts[i] == total ? 1.0 : (double) sampleCounts[i] / total;
    }
    return w;
  }

  /**
   * The weighted average of parameter sets that have the same names and lengths.
   *
   * @param shares one per set, from {@link #shares}
   */
  public static Map<String, double[]> average(List<Map<String, double[]>> sets, double[] shares) {
    if (sets.isEmpty() || sets.size() != shares.length) {
      throw new IllegalArgumentException(
          "federated average needs one share per shard: "
              + sets.size()
              + " shards, "
              + shares.length
              + " shares");
    }
    Map<String, double[]> first = sets.get(0);
    Map<String, double[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : first.entrySet()) {
      double[] sum = new double[e.getValue().length];
      for (int s = 0; s < sets.size(); s++) {
        double[] p = sets.get(s).get(e.getKey());
        if (p == null || p.length != sum.length || sets.get(s).size() != first.size()) {
          throw new IllegalArgumentException(
              "shard "
                  + s
                  + " has another parameter layout than shard 0 (at "
                  + e.getKey()
                  + "): shards must train from the same global version");
        }
        if (shares[s] == 0) {
          continue;
        }
        for (int i = 0; i < sum.length; i++) {
          sum[i] += shares[s] * p[i];
        }
      }
      out.put(e.getKey(), sum);
    }
    return out;
  }

  /** The next global TFT candidate from the shards' candidates and their sample counts. */
  public static TftWeights of(List<TftWeights> shards, long[] sampleCounts) {
    double[] shares = shares(sampleCounts);
    TftWeights first = shards.get(0);
    for (TftWeights w : shards) {
      if (!w.config().equals(first.config())) {
        throw new IllegalArgumentException(
            "shards must share the model configuration of the global version they trained from");
      }
    }
    List<Map<String, double[]>> params = shards.stream().map(FederatedAverage::parameters).toList();
    return new TftWeights(
        first.config(), first.scaler(), average(params, shares), optimizer(shards, shares));
  }

  private static Map<String, double[]> parameters(TftWeights w) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String name : w.parameterNames()) {
      out.put(name, w.parameter(name));
    }
    return out;
  }

  /** Averaged Adam moments, the newest iteration count; none if any shard has none. */
  private static OptimizerState optimizer(List<TftWeights> shards, double[] shares) {
    long iteration = 0;
    for (TftWeights w : shards) {
      if (w.optimizer() == null) {
        return null;
      }
      iteration = Math.max(iteration, w.optimizer().iteration());
    }
    List<Map<String, double[]>> moments =
        shards.stream().map(w -> w.optimizer().moments()).toList();
    return new OptimizerState(
        iteration, shards.get(0).optimizer().learningRate(), average(moments, shares));
  }
}
