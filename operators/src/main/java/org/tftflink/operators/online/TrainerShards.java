package org.tftflink.operators.online;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.tftflink.model.online.MaturedSample;

/**
 * Which trainer shard learns from a host's samples: a stable hash of the host, so a host always
 * feeds the same shard. Control commands go to shard 0: the only one of an unsharded trainer, and
 * the key of the federated aggregator ({@link FederatedTrainer}), which gets everything the shards
 * send.
 */
public final class TrainerShards {

  /** The shard of control commands. */
  public static final int COMMANDS = 0;

  private TrainerShards() {}

  public static int of(String host, int shards) {
    return Math.floorMod(host.hashCode(), shards);
  }

  /** Keys samples by shard. */
  public static KeySelector<MaturedSample, Integer> samples(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("trainer shards must be >= 1, got " + shards);
    }
    return s -> of(s.host(), shards);
  }

  /** Keys everything the federated shards send to the aggregator's key, {@link #COMMANDS}. */
  public static KeySelector<byte[], Integer> aggregator() {
    return m -> COMMANDS;
  }

  /** Keys every command to {@link #COMMANDS}. */
  public static KeySelector<String, Integer> commands() {
    return c -> COMMANDS;
  }

  /**
   * The shards whose keyed {@code state} this subtask holds (after a restore: the restored ones).
   */
  static List<Integer> withState(KeyedStateBackend<?> backend, String state) throws Exception {
    List<Integer> keys = new ArrayList<>();
    try (Stream<?> stream = backend.getKeys(state, VoidNamespace.INSTANCE)) {
      stream.forEach(k -> keys.add((Integer) k));
    }
    return keys;
  }
}
