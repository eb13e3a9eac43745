package org.tftflink.model.tft.eval;

import java.util.Map;
import org.tftflink.model.tft.train.TrainingResult;

/** Test figures of the TFT and the naive baselines on the same windows, with the training run that preceded them. */
public record EvaluationReport(String dataset, int testWindows, long parameters, TrainingResult training,
    Map<String, ForecastMetrics> methods) {

  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(dataset).append(": ").append(testWindows).append(" test windows, ").append(parameters)
        .append(" parameters, best epoch ").append(training.bestEpoch()).append(" (val loss ")
        .append(String.format(java.util.Locale.ROOT, "%.5f", training.bestValidationLoss())).append("), ")
        .append(training.elapsedMs() / 1000).append(" s training\n");
    methods.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "  %-16s %s%n", k, v)));
    return sb.toString();
  }
}
