package org.tftflink.model.online.sample;

import java.nio.charset.StandardCharsets;

/**
 * A hash that is the same on every JVM and subtask, unrelated to {@code String.hashCode} (which
 * picks trainer shards): FNV-1a (64 bit) of UTF-8 bytes, mixed by SplitMix64's finalizer into a
 * position in [0, 1). It chooses a canary's hosts and the live samples a comparison scores.
 */
public final class StableHash {

  private StableHash() {}

  /** FNV-1a (64 bit) of the id's UTF-8 bytes. */
  public static long fnv1a(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /** {@code h} mixed by SplitMix64's finalizer, as a position in [0, 1). */
  public static double unit(long h) {
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }
}
