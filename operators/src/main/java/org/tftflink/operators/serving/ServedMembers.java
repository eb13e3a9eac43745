package org.tftflink.operators.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tftflink.model.online.strategy.EnsembleWeights;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;

/**
 * The models one group of hosts is served by: one TFT, or an ensemble's members with their weights,
 * whose forecast is the weighted average of the members' quantiles (the learning core's {@link
 * EnsembleWeights#combine}; monotone quantiles stay monotone). Members share the window shape
 * (checked when the plan is accepted), so one window serves them all.
 */
public final class ServedMembers {

  private final List<TftModel> models;
  private final double[] weights;

  public ServedMembers(List<TftModel> models, double[] weights) {
    if (models.isEmpty() || models.size() != weights.length) {
      throw new IllegalArgumentException(
          "served members need one weight per model, got "
              + models.size()
              + " models and "
              + weights.length
              + " weights");
    }
    this.models = List.copyOf(models);
    this.weights = weights.clone();
  }

  public static ServedMembers of(TftModel model) {
    return new ServedMembers(List.of(model), new double[] {1.0});
  }

  /** The first member's configuration (every member has the same window shape). */
  public TftConfig config() {
    return models.get(0).config();
  }

  public int size() {
    return models.size();
  }

  public double[] weights() {
    return weights.clone();
  }

  /** {@code [window][horizon step][quantile]} in the target's own units. */
  public List<double[][]> predict(List<TftWindow> windows) {
    if (models.size() == 1) {
      return QuantilePredictor.predict(models.get(0), windows);
    }
    List<double[][][]> each = new ArrayList<>(models.size());
    for (TftModel m : models) {
      each.add(QuantilePredictor.predict(m, windows).toArray(new double[0][][]));
    }
    return Arrays.asList(EnsembleWeights.combine(each, weights));
  }
}
