package org.tftflink.operators.online;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.canary.CanaryRollout;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;

/**
 * A trainer shard's running canary: the learning core's {@link CanaryRollout} (which decides) and
 * the stable group the other hosts keep, with its weights, so that a restore can publish the same
 * canary again under the new epoch. Kept in the shard's keyed state as bytes: a format version, the
 * rollout, then the stable members' versions, weights and models ({@code ModelOps.encode}).
 */
final class CanaryStage {

  private static final int FORMAT_VERSION = 1;

  final CanaryRollout rollout;
  final Served<TftWeights> stable;

  CanaryStage(CanaryRollout rollout, Served<TftWeights> stable) {
    this.rollout = rollout;
    this.stable = stable;
  }

  byte[] write(TftModelOps ops) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      rollout.write(out);
      double[] w = stable.weights();
      out.writeInt(w.length);
      for (int i = 0; i < w.length; i++) {
        out.writeLong(stable.versions().get(i));
        out.writeDouble(w[i]);
        byte[] m = ops.encode(stable.models().get(i));
        out.writeInt(m.length);
        out.write(m);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the canary state", e);
    }
    return bytes.toByteArray();
  }

  static CanaryStage read(byte[] bytes, TftModelOps ops) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "canary state format " + format + ", this build reads " + FORMAT_VERSION);
      }
      CanaryRollout rollout = CanaryRollout.read(in);
      int n = in.readInt();
      List<Long> versions = new ArrayList<>(n);
      List<TftWeights> models = new ArrayList<>(n);
      double[] weights = new double[n];
      for (int i = 0; i < n; i++) {
        versions.add(in.readLong());
        weights[i] = in.readDouble();
        byte[] m = new byte[in.readInt()];
        in.readFully(m);
        models.add(ops.decode(m));
      }
      return new CanaryStage(rollout, new Served<>(versions, models, weights));
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt canary state: " + e, e);
    }
  }
}
