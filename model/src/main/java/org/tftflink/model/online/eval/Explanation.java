package org.tftflink.model.online.eval;

import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftConfig;

/**
 * What one model looked at for one window: the encoder's variable-selection weights averaged over
 * the history, and the attention over the history positions averaged over the horizon.
 *
 * @param label e.g. "sliding_window after drift at 2014-07-10 12:00"
 * @param originMs the window's origin
 * @param version the model version explained
 * @param variables names of the encoder variables, in the graph's order
 * @param encoderWeights mean selection weight per encoder variable
 * @param attention mean attention per history position (oldest first)
 */
public record Explanation(
    String label,
    long originMs,
    long version,
    String[] variables,
    double[] encoderWeights,
    double[] attention) {

  /** Summarises a forecast of a model with the given sizes. */
  public static Explanation of(
      String label, long originMs, long version, Forecast f, TftConfig config, String[] observed) {
    int tEnc = config.encoderLength();
    double[] att = new double[tEnc];
    for (double[] row : f.attention()) {
      for (int t = 0; t < tEnc; t++) {
        att[t] += row[t] / f.attention().length;
      }
    }
    int vars = f.encoderWeights()[0].length;
    double[] w = new double[vars];
    for (double[] step : f.encoderWeights()) {
      for (int v = 0; v < vars; v++) {
        w[v] += step[v] / f.encoderWeights().length;
      }
    }
    return new Explanation(label, originMs, version, variableNames(config, observed), w, att);
  }

  /** Encoder variables: observed reals, their missing indicators, hour, day of week, time index. */
  static String[] variableNames(TftConfig config, String[] observed) {
    String[] names = new String[config.encoderVariables()];
    int c = 0;
    for (int j = 0; j < config.observedReals(); j++) {
      names[c++] = j < observed.length ? observed[j] : "observed_" + j;
    }
    if (config.missingIndicators()) {
      for (int j = 0; j < config.observedReals(); j++) {
        names[c++] = "missing(" + (j < observed.length ? observed[j] : "observed_" + j) + ")";
      }
    }
    String[] known = {"hour", "day_of_week"};
    for (int j = 0; j < config.knownReals(); j++) {
      names[c++] = j < known.length ? known[j] : "known_" + j;
    }
    if (config.relativeTimeIndex()) {
      names[c] = "relative_time";
    }
    return names;
  }
}
