package org.tftflink.model.tft;

/**
 * One forecast request in original units: the encoder history of observed reals (column 0 is the
 * target; {@code NaN} marks a missing value, which becomes a zero input plus a missing indicator),
 * the known reals for history and horizon, the static categoricals as raw strings (hashed into a
 * fixed table, so unseen values work) and the static reals.
 *
 * @param observed {@code [encoderLength][observedReals]}
 * @param known {@code [encoderLength + horizon][knownReals]}
 * @param staticCategoricals {@code [staticCategoricals]}, e.g. host and tags
 * @param staticReals {@code [staticReals]}
 */
public record TftWindow(
    double[][] observed, double[][] known, String[] staticCategoricals, double[] staticReals) {

  /** Throws an exception naming the first size that does not match the configuration. */
  public void validate(TftConfig config) {
    check(
        observed.length == config.encoderLength(),
        "observed rows",
        observed.length,
        config.encoderLength());
    for (double[] row : observed) {
      check(
          row.length == config.observedReals(),
          "observed columns",
          row.length,
          config.observedReals());
    }
    check(
        known.length == config.totalLength(),
        "known rows (encoder + horizon)",
        known.length,
        config.totalLength());
    for (double[] row : known) {
      check(row.length == config.knownReals(), "known columns", row.length, config.knownReals());
      for (double v : row) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("TftWindow: known reals must be finite, got " + v);
        }
      }
    }
    check(
        staticCategoricals.length == config.staticCategoricals(),
        "static categoricals",
        staticCategoricals.length,
        config.staticCategoricals());
    check(
        staticReals.length == config.staticReals(),
        "static reals",
        staticReals.length,
        config.staticReals());
  }

  private static void check(boolean ok, String what, int got, int expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          "TftWindow does not match the model config: "
              + what
              + " = "
              + got
              + ", expected "
              + expected);
    }
  }

  /** The target history (column 0 of the observed reals). */
  public double[] targetHistory() {
    double[] y = new double[observed.length];
    for (int t = 0; t < y.length; t++) {
      y[t] = observed[t][0];
    }
    return y;
  }
}
