package org.tftflink.model.online.federated;

import org.tftflink.model.online.update.Candidate;

/**
 * What one shard sends the aggregator after a round: the candidate it trained from the global
 * version on its own hosts' samples, and how many samples that was (its weight in the average).
 *
 * @param shard the shard (trainer key)
 * @param roundMs event time of the round's end; the aggregator averages one round at a time
 * @param parentVersion the global version the shard trained from
 * @param candidate the trained candidate (its model null when aborted)
 * @param trigger what started the round on this shard: {@link ShardLearner#SCHEDULE}, {@link
 *     ShardLearner#DRIFT} or {@link ShardLearner#COMMAND}
 */
public record ShardUpdate<M>(
    int shard, long roundMs, long parentVersion, Candidate<M> candidate, String trigger) {

  /** A scheduled round's update. */
  public ShardUpdate(int shard, long roundMs, long parentVersion, Candidate<M> candidate) {
    this(shard, roundMs, parentVersion, candidate, ShardLearner.SCHEDULE);
  }

  /** The shard's weight: the samples it trained on, 0 when its candidate was aborted. */
  public long weight() {
    return candidate.aborted() ? 0 : candidate.samples();
  }
}
