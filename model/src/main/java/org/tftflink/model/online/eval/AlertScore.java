package org.tftflink.model.online.eval;

import java.util.List;

/**
 * Alerts scored against labelled anomaly windows (NAB's): a window is detected when at least one
 * alert falls inside it (ends included); every alert outside all windows is a false positive.
 *
 * @param alerts alerts raised
 * @param falsePositives alerts outside every window
 * @param windowsDetected windows with at least one alert
 * @param windows labelled windows considered
 */
public record AlertScore(int alerts, int falsePositives, int windowsDetected, int windows) {

  /**
   * @param alertTimes alert times (any unit, the windows' unit)
   * @param windows {@code [start, end]} pairs in the same unit
   */
  public static AlertScore of(List<Long> alertTimes, List<long[]> windows) {
    int fp = 0;
    boolean[] hit = new boolean[windows.size()];
    for (long t : alertTimes) {
      boolean inside = false;
      for (int w = 0; w < windows.size(); w++) {
        if (t >= windows.get(w)[0] && t <= windows.get(w)[1]) {
          hit[w] = true;
          inside = true;
        }
      }
      if (!inside) {
        fp++;
      }
    }
    int detected = 0;
    for (boolean h : hit) {
      if (h) {
        detected++;
      }
    }
    return new AlertScore(alertTimes.size(), fp, detected, windows.size());
  }
}
