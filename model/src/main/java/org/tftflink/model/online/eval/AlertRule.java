package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The forecast-band alert: an alert is raised at step {@code t} when at least {@code k} of the last
 * {@code m} actuals (steps {@code t-m+1 .. t}) fell outside the P10–P90 band of their freshest
 * forecast, and the previous step did not already satisfy the rule; so one lasting excursion is one
 * alert, and a new alert needs the count to drop below {@code k} first. A missing actual counts as
 * inside.
 */
public record AlertRule(int k, int m) {

  public AlertRule {
    if (m < 1 || k < 1 || k > m) {
      throw new IllegalArgumentException(
          "the alert rule needs 1 <= k <= m, got k=" + k + " of m=" + m);
    }
  }

  /** Parses {@code "k/m"}, e.g. {@code "5/6"}. */
  public static AlertRule parse(String text) {
    String[] parts = text.trim().split("/");
    try {
      if (parts.length == 2) {
        return new AlertRule(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "an alert rule is K/M (alert when K of the last M actuals leave the band), got '"
            + text
            + "'");
  }

  /** The steps at which alerts are raised, ascending. */
  public List<Integer> alerts(boolean[] outside) {
    List<Integer> out = new ArrayList<>();
    int count = 0;
    boolean on = false;
    for (int t = 0; t < outside.length; t++) {
      if (outside[t]) {
        count++;
      }
      if (t - m >= 0 && outside[t - m]) {
        count--;
      }
      boolean now = count >= k;
      if (now && !on) {
        out.add(t);
      }
      on = now;
    }
    return out;
  }

  @Override
  public String toString() {
    return k + "/" + m;
  }
}
