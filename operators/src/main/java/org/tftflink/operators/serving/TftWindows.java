package org.tftflink.operators.serving;

import java.util.List;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.eval.SeriesWindows;

/**
 * Cuts a TFT window from a host's step-grid history: observed reals are the history's columns
 * ({@code NaN} where a value was imputed), known reals the calendar of the encoder and horizon
 * steps (hour of day with minutes as a fraction, day of week with Monday 0, UTC: {@link
 * SeriesWindows#calendar}, the features of the model's own evaluation), static categoricals the
 * host and then the configured tags. Serving and training use this one class, so both see the same
 * inputs.
 */
public final class TftWindows {

  /** Hour of day and day of week. */
  public static final int KNOWN_REALS = 2;

  private TftWindows() {}

  /** The window whose encoder ends with the newest row of {@code history}. */
  public static TftWindow latest(
      TftConfig config, String host, HostHistory history, long stepMillis, List<String> tagNames) {
    return ending(config, host, history, history.size, stepMillis, tagNames);
  }

  /**
   * The window whose encoder covers rows {@code [end - encoderLength, end)}; its horizon is the
   * {@code horizon} steps after row {@code end - 1}, whether or not the history holds them.
   */
  public static TftWindow ending(
      TftConfig config,
      String host,
      HostHistory history,
      int end,
      long stepMillis,
      List<String> tagNames) {
    int enc = config.encoderLength();
    if (end > history.size || end < enc) {
      throw new IllegalArgumentException(
          "a window of "
              + enc
              + " steps ending at row "
              + end
              + " does not fit a history of "
              + history.size
              + " steps");
    }
    double[][] observed = new double[enc][config.observedReals()];
    for (int t = 0; t < enc; t++) {
      int row = end - enc + t;
      for (int c = 0; c < observed[t].length; c++) {
        observed[t][c] = history.isMissing(row, c) ? Double.NaN : history.value(row, c);
      }
    }
    long firstStep = history.stepOfRow(end - enc);
    long[] times = new long[config.totalLength()];
    for (int t = 0; t < times.length; t++) {
      times[t] = (firstStep + t) * stepMillis;
    }
    double[][] known = SeriesWindows.calendar(times);
    return new TftWindow(
        observed,
        known,
        statics(config, host, history.tags, tagNames),
        new double[config.staticReals()]);
  }

  private static String[] statics(
      TftConfig config, String host, String[] tags, List<String> tagNames) {
    String[] out = new String[config.staticCategoricals()];
    if (out.length == 0) {
      return out;
    }
    out[0] = host;
    for (int i = 1; i < out.length; i++) {
      out[i] = tag(tags, tagNames.get(i - 1));
    }
    return out;
  }

  /** The value of tag {@code name} in sorted key, value pairs; empty when the host has none. */
  private static String tag(String[] tags, String name) {
    for (int i = 0; tags != null && i + 1 < tags.length; i += 2) {
      if (tags[i].equals(name)) {
        return tags[i + 1];
      }
    }
    return "";
  }
}
