package org.tftflink.model.online.version;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.tftflink.model.online.update.ModelOps;

/**
 * Every version the learner made, in order; the list only grows and numbers only rise. Weights are
 * kept for at most {@code keep_model_versions} served versions (the newest ones, plus any the
 * caller still needs, e.g. ensemble members or a parent under rollback watch); metadata stays.
 */
public final class VersionHistory<M> {
  private final int keep;
  private final List<ModelVersion> versions = new ArrayList<>();
  private final TreeMap<Long, M> weights = new TreeMap<>();

  public VersionHistory(int keep) {
    this.keep = keep;
  }

  /** The number the next version gets. */
  public long nextVersion() {
    return versions.isEmpty() ? 1 : latest().version() + 1;
  }

  public ModelVersion latest() {
    return versions.get(versions.size() - 1);
  }

  /** Appends a version; its model is kept unless it was rejected (never to be served). */
  public void add(ModelVersion v, M model) {
    if (!versions.isEmpty() && v.version() <= latest().version()) {
      throw new IllegalArgumentException(
          "versions only grow: got " + v.version() + " after " + latest().version());
    }
    versions.add(v);
    if (v.served() && model != null) {
      weights.put(v.version(), model);
    }
  }

  /** Drops weights beyond the newest {@code keep} served versions, except the protected ones. */
  public void prune(Collection<Long> protectedVersions) {
    List<Long> served = new ArrayList<>(weights.descendingKeySet());
    for (int i = keep; i < served.size(); i++) {
      if (!protectedVersions.contains(served.get(i))) {
        weights.remove(served.get(i));
      }
    }
  }

  public Optional<M> model(long version) {
    return Optional.ofNullable(weights.get(version));
  }

  public Optional<ModelVersion> get(long version) {
    return versions.stream().filter(v -> v.version() == version).findFirst();
  }

  public List<ModelVersion> all() {
    return List.copyOf(versions);
  }

  /** Versions whose weights are kept, newest first. */
  public List<Long> withWeights() {
    return new ArrayList<>(weights.descendingKeySet());
  }

  public void write(DataOutput out, ModelOps<M> ops) throws IOException {
    out.writeInt(versions.size());
    for (ModelVersion v : versions) {
      out.writeLong(v.version());
      out.writeLong(v.parent());
      out.writeLong(v.restoredFrom());
      out.writeLong(v.createdAtMs());
      out.writeUTF(v.status().name());
      out.writeUTF(v.reason());
      out.writeDouble(v.trainLoss());
      out.writeDouble(v.holdoutLoss());
      out.writeDouble(v.parentHoldoutLoss());
    }
    out.writeInt(weights.size());
    for (var e : weights.entrySet()) {
      out.writeLong(e.getKey());
      byte[] bytes = ops.encode(e.getValue());
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  public void read(DataInput in, ModelOps<M> ops) throws IOException {
    versions.clear();
    weights.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      versions.add(
          new ModelVersion(
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              VersionStatus.valueOf(in.readUTF()),
              in.readUTF(),
              in.readDouble(),
              in.readDouble(),
              in.readDouble()));
    }
    int w = in.readInt();
    for (int i = 0; i < w; i++) {
      long version = in.readLong();
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      weights.put(version, ops.decode(bytes));
    }
  }
}
