package org.tftflink.model.tft.data;

import java.nio.charset.StandardCharsets;

/**
 * Hashes a static categorical value (per variable) into a fixed embedding table, so unseen values
 * need no retraining.
 */
public final class CategoricalHasher {
  private CategoricalHasher() {}

  /**
   * FNV-1a 64 over "variable index + NUL + value": stable across JVMs, unlike identity hash codes.
   */
  public static int bucket(int variable, String value, int buckets) {
    long h = 0xcbf29ce484222325L;
    byte[] bytes =
        (variable + "\u0000" + (value == null ? "" : value)).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return (int) Math.floorMod(h, (long) buckets);
  }
}
