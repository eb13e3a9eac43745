package org.tftflink.model.online.federated;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.online.update.Candidate;

/**
 * One round of the aggregator: the shards' updates of a round become the next global candidate by
 * {@link FederatedAverage}, weighted by their sample counts. An update trained from another version
 * than the one served now (it had not reached that shard yet) or aborted weighs 0; without any
 * usable update there is no candidate. The candidate's training loss is the weighted mean of the
 * shards'. The updates of one round may come from rounds of several ends (a shard's triggered
 * round, or a shard that caught up on two): all that reached the aggregator by its watermark
 * trained from the served version and are averaged together; the round is known by the newest end.
 *
 * @param shardSamples per shard (index = shard), the samples its update trained on (0: no update)
 * @param used shards whose candidates are in the average
 * @param stale shards that trained from another version than {@code parentVersion}
 * @param aborted shards whose training was aborted
 * @param candidate the average, or null when no shard's update is usable
 * @param trigger {@link ShardLearner#COMMAND} if any shard's round was started by {@code
 *     update-now}, else {@link ShardLearner#DRIFT} if any by a drift, else {@link
 *     ShardLearner#SCHEDULE}
 * @param triggered shards whose round a command or a drift started
 */
public record FederatedRound(
    long roundMs,
    long parentVersion,
    long[] shardSamples,
    List<Integer> used,
    List<Integer> stale,
    List<Integer> aborted,
    Candidate<TftWeights> candidate,
    String trigger,
    List<Integer> triggered) {

  /** Averages the updates of one round against the version served now. */
  public static FederatedRound of(
      int shards, long roundMs, long currentVersion, List<ShardUpdate<TftWeights>> updates) {
    long[] samples = new long[shards];
    List<Integer> used = new ArrayList<>();
    List<Integer> stale = new ArrayList<>();
    List<Integer> aborted = new ArrayList<>();
    List<TftWeights> models = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    double loss = 0;
    int steps = 0;
    String trigger = ShardLearner.SCHEDULE;
    List<Integer> triggered = new ArrayList<>();
    for (ShardUpdate<TftWeights> u : updates) {
      if (u.shard() < 0 || u.shard() >= shards) {
        throw new IllegalArgumentException(
            "update of shard " + u.shard() + " in a round of " + shards + " shards");
      }
      samples[u.shard()] += u.candidate().samples();
      if (!u.trigger().equals(ShardLearner.SCHEDULE)) {
        addOnce(triggered, u.shard());
        if (!trigger.equals(ShardLearner.COMMAND)) {
          trigger = u.trigger();
        }
      }
      if (u.candidate().aborted()) {
        addOnce(aborted, u.shard());
      } else if (u.parentVersion() != currentVersion) {
        addOnce(stale, u.shard());
      } else if (u.weight() > 0) {
        addOnce(used, u.shard());
        models.add(u.candidate().model());
        weights.add(u.weight());
        loss += u.weight() * u.candidate().trainLoss();
        steps += u.candidate().steps();
      }
    }
    if (models.isEmpty()) {
      return new FederatedRound(
          roundMs, currentVersion, samples, used, stale, aborted, null, trigger, triggered);
    }
    long[] counts = weights.stream().mapToLong(Long::longValue).toArray();
    long total = 0;
    for (long n : counts) {
      total += n;
    }
    TftWeights average = FederatedAverage.of(models, counts);
    return new FederatedRound(
        roundMs,
        currentVersion,
        samples,
        used,
        stale,
        aborted,
        new Candidate<>(average, loss / total, steps, (int) total, null),
        trigger,
        triggered);
  }

  private static void addOnce(List<Integer> shards, int shard) {
    if (!shards.contains(shard)) {
      shards.add(shard);
    }
  }

  /** The samples of the shards in the average. */
  public int samples() {
    return candidate == null ? 0 : candidate.samples();
  }

  /** The round's audit line ({@code federated_round}), about the version it trained from. */
  public LearningEvent toEvent(long eventTimeMs) {
    List<Long> perShard = new ArrayList<>();
    for (long n : shardSamples) {
      perShard.add(n);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("shards", shardSamples.length);
    d.put("round_ms", roundMs);
    d.put("shard_samples", perShard);
    d.put("used_shards", used);
    d.put("stale_shards", stale);
    d.put("aborted_shards", aborted);
    d.put("samples", samples());
    d.put("averaged", candidate != null);
    d.put("trigger", trigger);
    d.put("triggered_shards", triggered);
    return new LearningEvent(LearningEvent.FEDERATED_ROUND, eventTimeMs, parentVersion, d);
  }
}
