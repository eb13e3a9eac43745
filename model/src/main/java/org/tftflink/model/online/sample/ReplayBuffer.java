package org.tftflink.model.online.sample;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.tftflink.model.online.MaturedSample;

/**
 * A reservoir of at most {@code replay_buffer_size} past samples, prioritised by loss: weighted
 * reservoir sampling (Efraimidis and Spirakis' A-Res), where a sample of weight w keeps the key
 * log(u)/w and the largest keys stay, so a sample with twice the loss is twice as likely to be
 * kept, and every sample seen has a chance whatever the stream length.
 */
public final class ReplayBuffer {
  private final int capacity;
  private final PriorityQueue<Entry> heap =
      new PriorityQueue<>(Comparator.comparingDouble(Entry::key).thenComparingLong(Entry::seq));

  private record Entry(double key, long seq, MaturedSample sample) {}

  public ReplayBuffer(int capacity) {
    this.capacity = capacity;
  }

  /** Offers a sample with its priority (its served loss; non-positive counts as tiny). */
  public void offer(long seq, MaturedSample s, double weight, Rng rng) {
    if (capacity == 0) {
      return;
    }
    double w = Double.isFinite(weight) && weight > 1e-9 ? weight : 1e-9;
    double u = Math.max(rng.nextDouble(), Double.MIN_NORMAL);
    Entry e = new Entry(Math.log(u) / w, seq, s);
    if (heap.size() < capacity) {
      heap.add(e);
    } else if (e.key() > heap.peek().key()) {
      heap.poll();
      heap.add(e);
    }
  }

  public int size() {
    return heap.size();
  }

  /** Up to n distinct samples drawn uniformly from the reservoir (deterministic for the rng). */
  public List<MaturedSample> draw(int n, Rng rng) {
    List<Entry> all = sorted();
    int k = Math.min(n, all.size());
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(all.size() - i);
      Entry t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    List<MaturedSample> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      out.add(all.get(i).sample());
    }
    return out;
  }

  /** The samples, oldest arrival first. */
  public List<MaturedSample> samples() {
    List<MaturedSample> out = new ArrayList<>();
    sorted().forEach(e -> out.add(e.sample()));
    return out;
  }

  private List<Entry> sorted() {
    List<Entry> all = new ArrayList<>(heap);
    all.sort(Comparator.comparingLong(Entry::seq));
    return all;
  }

  public long bytes() {
    long b = 0;
    for (Entry e : heap) {
      b += 48 + SampleCodec.bytes(e.sample());
    }
    return b;
  }

  public void write(DataOutput out) throws IOException {
    List<Entry> all = sorted();
    out.writeInt(all.size());
    for (Entry e : all) {
      out.writeDouble(e.key());
      out.writeLong(e.seq());
      SampleCodec.write(out, e.sample());
    }
  }

  public void read(DataInput in) throws IOException {
    heap.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      double key = in.readDouble();
      long seq = in.readLong();
      heap.add(new Entry(key, seq, SampleCodec.read(in)));
    }
  }
}
