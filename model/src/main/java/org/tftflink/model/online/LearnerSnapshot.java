package org.tftflink.model.online;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.tftflink.model.online.safety.LiveComparison;
import org.tftflink.model.online.sample.ByteSink;
import org.tftflink.model.online.sample.Rng;
import org.tftflink.model.online.version.VersionHistory;

/**
 * The learner's state as bytes: magic "TFOL", a format version, then every field of {@link
 * LearnerState} in a fixed order; models are written with {@code ModelOps.encode}. A reader refuses
 * an unknown format version rather than guessing. Format 2 appends the sample screen's counts to
 * format 1; a format-1 snapshot reads with them at zero. Format 3 adds each live comparison's share
 * and limit (inside it) and appends the sample rate and the drift detector's step pooling; an older
 * snapshot's comparisons score every sample, its rate is learned again within an event-time hour,
 * and its pooling starts with the next step.
 */
final class LearnerSnapshot {
  static final int MAGIC = 0x54464f4c; // "TFOL"
  static final int FORMAT_VERSION = 3;

  private LearnerSnapshot() {}

  /**
   * @param sizeHint the expected size in bytes (the previous snapshot's), so that the buffer is
   *     allocated once instead of grown through copies of a snapshot of many megabytes
   */
  static <M> byte[] write(LearnerState<M> st, int sizeHint) {
    ByteSink out = new ByteSink(sizeHint + (sizeHint >> 3));
    try {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(st.rng.state());
      out.writeLong(st.clockMs);
      out.writeLong(st.seq);
      out.writeLong(st.trainedSeq);
      out.writeLong(st.lastUpdateMs);
      out.writeUTF(st.trigger);
      out.writeBoolean(st.paused);
      out.writeBoolean(st.pinned);
      out.writeLong(st.nextRequestId);
      out.writeLong(st.inFlight);
      out.writeDouble(st.inFlightBaseline);
      out.writeLong(st.inFlightPrevTrainedSeq);
      out.writeLong(st.inFlightPrevLastUpdateMs);
      out.writeUTF(st.inFlightPrevTrigger);
      out.writeInt(st.served.size());
      for (long v : st.served) {
        out.writeLong(v);
      }
      out.writeInt(st.memberLoss.size());
      for (var e : st.memberLoss.entrySet()) {
        out.writeLong(e.getKey());
        out.writeDouble(e.getValue());
      }
      out.writeLong(st.updates);
      out.writeLong(st.promotions);
      out.writeLong(st.rejections);
      out.writeLong(st.aborted);
      out.writeLong(st.rollbacks);
      out.writeLong(st.drifts);
      out.writeLong(st.active.seen());
      out.writeLong(st.active.skipped());
      out.writeInt(st.breaker.consecutiveFailures());
      out.writeLong(st.breaker.openedAtMs());
      out.writeLong(st.breaker.openings());
      // length-prefixed and named, so a restore with another detector starts that one fresh
      out.writeUTF(st.detector.name());
      ByteSink detector = new ByteSink(256);
      st.detector.write(detector);
      out.writeInt(detector.size());
      out.write(detector.toByteArray());
      st.window.write(out);
      st.replay.write(out);
      st.holdout.write(out);
      st.history.write(out, st.ops);
      out.writeBoolean(st.shadow != null);
      if (st.shadow != null) {
        st.shadow.write(out);
        VersionHistory.writeVersion(out, st.shadowMeta);
        byte[] m = st.ops.encode(st.shadowModel);
        out.writeInt(m.length);
        out.write(m);
      }
      out.writeBoolean(st.watch != null);
      if (st.watch != null) {
        st.watch.write(out);
      }
      // format 2
      out.writeLong(st.suspectFresh);
      out.writeLong(st.inFlightPrevSuspectFresh);
      out.writeLong(st.suspect);
      out.writeLong(st.poisonedBatches);
      // format 3
      st.rate.write(out);
      st.pooling.write(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the learner snapshot", e);
    }
    return out.toByteArray();
  }

  static <M> void read(LearnerState<M> st, byte[] snapshot) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not an online-learner snapshot (bad magic)");
      }
      int format = in.readInt();
      if (format < 1 || format > FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "online-learner snapshot format "
                + format
                + ", this build reads 1 to "
                + FORMAT_VERSION);
      }
      st.rng = new Rng(in.readLong());
      st.clockMs = in.readLong();
      st.seq = in.readLong();
      st.trainedSeq = in.readLong();
      st.lastUpdateMs = in.readLong();
      st.trigger = in.readUTF();
      st.paused = in.readBoolean();
      st.pinned = in.readBoolean();
      st.nextRequestId = in.readLong();
      st.inFlight = in.readLong();
      st.inFlightBaseline = in.readDouble();
      st.inFlightPrevTrainedSeq = in.readLong();
      st.inFlightPrevLastUpdateMs = in.readLong();
      st.inFlightPrevTrigger = in.readUTF();
      int served = in.readInt();
      for (int i = 0; i < served; i++) {
        st.served.add(in.readLong());
      }
      int losses = in.readInt();
      for (int i = 0; i < losses; i++) {
        st.memberLoss.put(in.readLong(), in.readDouble());
      }
      st.updates = in.readLong();
      st.promotions = in.readLong();
      st.rejections = in.readLong();
      st.aborted = in.readLong();
      st.rollbacks = in.readLong();
      st.drifts = in.readLong();
      st.active.restoreCounts(in.readLong(), in.readLong());
      st.breaker.restore(in.readInt(), in.readLong(), in.readLong());
      String detectorName = in.readUTF();
      byte[] detector = new byte[in.readInt()];
      in.readFully(detector);
      if (detectorName.equals(st.detector.name())) {
        st.detector.read(new DataInputStream(new ByteArrayInputStream(detector)));
      }
      st.window.read(in);
      st.replay.read(in);
      st.holdout.read(in);
      st.history.read(in, st.ops);
      if (in.readBoolean()) {
        st.shadow = LiveComparison.read(in, format >= 3);
        st.shadowMeta = VersionHistory.readVersion(in);
        byte[] m = new byte[in.readInt()];
        in.readFully(m);
        st.shadowModel = st.ops.decode(m);
      }
      if (in.readBoolean()) {
        st.watch = LiveComparison.read(in, format >= 3);
      }
      if (format >= 2) {
        st.suspectFresh = in.readLong();
        st.inFlightPrevSuspectFresh = in.readLong();
        st.suspect = in.readLong();
        st.poisonedBatches = in.readLong();
      }
      if (format >= 3) {
        st.rate.read(in);
        st.pooling.read(in);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt online-learner snapshot: " + e, e);
    }
    st.forgetInFlight();
  }
}
