package org.tftflink.model.tft.eval;

import java.util.Locale;
import java.util.Map;
import org.tftflink.model.tft.train.TrainingResult;

/**
 * Test figures of the TFT and the naive baselines on the same windows, with the training run that
 * preceded them.
 *
 * @param training the training run, or {@code null} when a saved model was evaluated
 */
public record EvaluationReport(
    String dataset,
    int testWindows,
    long parameters,
    TrainingResult training,
    Map<String, ForecastMetrics> methods) {

  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(dataset)
        .append(": ")
        .append(testWindows)
        .append(" test windows, ")
        .append(parameters)
        .append(" parameters");
    if (training != null) {
      sb.append(", best epoch ")
          .append(training.bestEpoch())
          .append(" (val loss ")
          .append(String.format(Locale.ROOT, "%.5f", training.bestValidationLoss()))
          .append("), ")
          .append(training.elapsedMs() / 1000)
          .append(" s training");
    }
    sb.append('\n');
    methods.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-16s %s%n", k, v)));
    return sb.toString();
  }
}
