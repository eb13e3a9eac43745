package org.tftflink.model.online.federated;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.SampleCodec;
import org.tftflink.model.online.update.Candidate;
import org.tftflink.model.online.update.ModelOps;

/**
 * The bytes that travel from the shards to the aggregator: a matured sample (forwarded, for the
 * aggregator's hold-out, drift detector and live watches), a shard's round update (its model
 * through {@link ModelOps#encode}, then its trigger) or a drift a shard found (for the audit). One
 * tag byte, then the value; a reader refuses another tag. An update written before triggers existed
 * (kept in the aggregator's state) ends after the model and reads as a scheduled one.
 */
public final class ShardMessage {
  static final byte SAMPLE = 1;
  static final byte UPDATE = 2;
  static final byte DRIFT = 3;

  private ShardMessage() {}

  public static byte[] of(MaturedSample s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(SAMPLE);
      SampleCodec.write(out, s);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a matured sample of " + s.host(), e);
    }
    return bytes.toByteArray();
  }

  public static <M> byte[] of(ShardUpdate<M> u, ModelOps<M> ops) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(UPDATE);
      out.writeInt(u.shard());
      out.writeLong(u.roundMs());
      out.writeLong(u.parentVersion());
      Candidate<M> c = u.candidate();
      out.writeDouble(c.trainLoss());
      out.writeInt(c.steps());
      out.writeInt(c.samples());
      out.writeBoolean(c.aborted());
      if (c.aborted()) {
        out.writeUTF(c.abortReason());
      } else {
        byte[] m = ops.encode(c.model());
        out.writeInt(m.length);
        out.write(m);
      }
      out.writeUTF(u.trigger());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the update of shard " + u.shard(), e);
    }
    return bytes.toByteArray();
  }

  /** A drift that {@code shard}'s detector found. */
  public static byte[] of(int shard, ShardLearner.Drift d) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(DRIFT);
      out.writeInt(shard);
      out.writeUTF(d.detector());
      out.writeDouble(d.statistic());
      out.writeDouble(d.threshold());
      out.writeUTF(d.host());
      out.writeLong(d.eventTimeMs());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the drift of shard " + shard, e);
    }
    return bytes.toByteArray();
  }

  public static boolean isSample(byte[] message) {
    return message.length > 0 && message[0] == SAMPLE;
  }

  public static boolean isDrift(byte[] message) {
    return message.length > 0 && message[0] == DRIFT;
  }

  /** A shard's drift: the shard, then what its detector found. */
  public record ShardDrift(int shard, ShardLearner.Drift drift) {}

  public static ShardDrift drift(byte[] message) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
      expect(in.readByte(), DRIFT);
      int shard = in.readInt();
      return new ShardDrift(
          shard,
          new ShardLearner.Drift(
              in.readUTF(), in.readDouble(), in.readDouble(), in.readUTF(), in.readLong()));
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated shard message (drift): " + e, e);
    }
  }

  public static MaturedSample sample(byte[] message) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
      expect(in.readByte(), SAMPLE);
      return SampleCodec.read(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated shard message (sample): " + e, e);
    }
  }

  public static <M> ShardUpdate<M> update(byte[] message, ModelOps<M> ops) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
      expect(in.readByte(), UPDATE);
      int shard = in.readInt();
      long roundMs = in.readLong();
      long parent = in.readLong();
      double loss = in.readDouble();
      int steps = in.readInt();
      int samples = in.readInt();
      Candidate<M> c;
      if (in.readBoolean()) {
        c = new Candidate<>(null, loss, steps, samples, in.readUTF());
      } else {
        byte[] m = new byte[in.readInt()];
        in.readFully(m);
        c = new Candidate<>(ops.decode(m), loss, steps, samples, null);
      }
      String trigger = in.available() > 0 ? in.readUTF() : ShardLearner.SCHEDULE;
      return new ShardUpdate<>(shard, roundMs, parent, c, trigger);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated shard message (update): " + e, e);
    }
  }

  private static void expect(byte tag, byte wanted) {
    if (tag != wanted) {
      throw new IllegalArgumentException(
          "shard message tagged " + tag + " where " + wanted + " was expected");
    }
  }
}
