package org.tftflink.model.online.strategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.ReplayBuffer;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.sample.Sequenced;
import org.tftflink.model.online.sample.SlidingWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * Chooses an update's samples per strategy, with a cost bounded by {@code max_update_samples}
 * whatever the number of hosts: beyond the cap, hosts take turns (round robin from a random host),
 * newest first within a host, so each host gets about the same share.
 *
 * <ul>
 *   <li>periodic: a host-balanced random sample of the whole window
 *   <li>sliding_window: the samples that matured since the last update
 *   <li>replay and ensemble: those new samples plus {@code replay_sample_ratio} of the update drawn
 *       from the replay buffer
 * </ul>
 *
 * Anchors (for EWC or distillation) are up to two batches of replayed samples.
 */
public final class UpdatePlanner {
  private UpdatePlanner() {}

  public static UpdatePlan plan(
      OnlineConfig c, SlidingWindow window, long trainedSeq, ReplayBuffer replay, Rng rng) {
    int cap = c.maxUpdateSamples();
    List<TrainingSample> train = new ArrayList<>();
    int fresh;
    int replayed = 0;
    switch (c.strategy()) {
      case PERIODIC -> {
        train.addAll(balanced(window.entries(), cap, true, rng));
        fresh = train.size();
      }
      case SLIDING_WINDOW -> {
        train.addAll(balanced(window.since(trainedSeq), cap, false, rng));
        fresh = train.size();
      }
      default -> {
        double ratio = c.replaySampleRatio();
        int newCap = (int) Math.max(1, Math.round(cap * (1 - ratio)));
        train.addAll(balanced(window.since(trainedSeq), newCap, false, rng));
        fresh = train.size();
        int want = (int) Math.min(cap - fresh, Math.round(fresh * ratio / (1 - ratio)));
        for (MaturedSample s : replay.draw(want, rng)) {
          train.add(s.sample());
          replayed++;
        }
      }
    }
    List<TrainingSample> anchors = new ArrayList<>();
    if (c.ewcWeight() > 0 || c.distillationWeight() > 0) {
      replay.draw(2 * c.onlineBatchSize(), rng).forEach(s -> anchors.add(s.sample()));
    }
    return new UpdatePlan(train, anchors, fresh, replayed);
  }

  /** At most n samples, hosts taking turns; shuffled within a host, or newest first. */
  static List<TrainingSample> balanced(List<Sequenced> entries, int n, boolean shuffle, Rng rng) {
    List<TrainingSample> out = new ArrayList<>();
    if (entries.size() <= n) {
      entries.forEach(e -> out.add(e.sample().sample()));
      return out;
    }
    Map<String, List<Sequenced>> byHost = new TreeMap<>();
    for (Sequenced e : entries) {
      byHost.computeIfAbsent(e.sample().host(), h -> new ArrayList<>()).add(e);
    }
    List<List<Sequenced>> queues = new ArrayList<>(byHost.values());
    for (List<Sequenced> q : queues) {
      q.sort(Comparator.comparingLong(Sequenced::seq).reversed());
      if (shuffle) {
        for (int i = q.size() - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          Sequenced t = q.get(i);
          q.set(i, q.get(j));
          q.set(j, t);
        }
      }
    }
    int[] next = new int[queues.size()];
    int host = rng.nextInt(queues.size());
    while (out.size() < n) {
      List<Sequenced> q = queues.get(host);
      if (next[host] < q.size()) {
        out.add(q.get(next[host]++).sample().sample());
      }
      host = (host + 1) % queues.size();
    }
    return out;
  }
}
