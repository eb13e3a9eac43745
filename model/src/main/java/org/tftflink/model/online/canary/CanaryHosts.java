package org.tftflink.model.online.canary;

import org.tftflink.model.online.sample.StableHash;

/**
 * Which hosts a canary serves: those whose stable hash of the host id falls below the canary share.
 * The hash is FNV-1a (64 bit) of the id's UTF-8 bytes, mixed by SplitMix64's finalizer: the same on
 * every JVM and subtask, unrelated to {@code String.hashCode} (which picks trainer shards), so a
 * canary is not one shard's hosts. A given share always picks the same hosts, and a larger share a
 * superset of them.
 */
public final class CanaryHosts {

  private CanaryHosts() {}

  /** The host's position in [0, 1). */
  public static double bucket(String host) {
    return StableHash.unit(StableHash.fnv1a(host));
  }

  /** Whether {@code host} is in a canary of {@code share} (0: nobody, 1: everybody). */
  public static boolean inCanary(String host, double share) {
    return share > 0 && bucket(host) < share;
  }
}
