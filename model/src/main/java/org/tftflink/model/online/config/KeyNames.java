package org.tftflink.model.online.config;

import java.util.List;

/** Checks key names and suggests the closest known key for a misspelled one. */
final class KeyNames {
  private KeyNames() {}

  static void requireKnown(String key) {
    List<OnlineConfig.Key> keys = OnlineKeys.ALL;
    if (keys.stream().anyMatch(k -> k.name().equals(key))) {
      return;
    }
    String closest = keys.get(0).name();
    int best = Integer.MAX_VALUE;
    for (OnlineConfig.Key k : keys) {
      int d = distance(key, k.name());
      if (d < best) {
        best = d;
        closest = k.name();
      }
    }
    throw new IllegalArgumentException(
        "online config: unknown key '" + key + "' (did you mean '" + closest + "'?)");
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
