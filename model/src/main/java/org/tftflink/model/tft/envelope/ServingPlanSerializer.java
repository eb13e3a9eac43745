package org.tftflink.model.tft.envelope;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The bytes of a {@link ServingPlan} on {@code tft-models}. A plan of one model for every host is
 * written as that model's plain envelope ({@link ModelDataSerializer}), so readers built before
 * plans existed still read it; an ensemble or a canary is a wrapper with its own format tag: magic
 * {@code "TFTP"}, wrapper format 1, epoch, version, canary share, the group count (1 or 2), per
 * group its member count and per member its weight and its length-prefixed envelope, then a CRC-32
 * of everything before it. Each member envelope keeps its own checksum and weights SHA-256. A
 * signature ({@link ModelSignature}) wraps either form unchanged.
 */
public final class ServingPlanSerializer {

  /** Magic of a plan wrapper, {@code "TFTP"}. */
  public static final int PLAN_MAGIC = 0x54465450;

  /** Current wrapper format; readers reject any other. */
  public static final int PLAN_FORMAT_VERSION = 1;

  private ServingPlanSerializer() {}

  public static byte[] serialize(ServingPlan plan) {
    if (!plan.hasCanary() && plan.stable().members().size() == 1) {
      return ModelDataSerializer.serialize(plan.stable().members().get(0));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(PLAN_MAGIC);
      out.writeInt(PLAN_FORMAT_VERSION);
      out.writeLong(plan.epoch());
      out.writeLong(plan.version());
      out.writeDouble(plan.canaryShare());
      out.writeInt(plan.hasCanary() ? 2 : 1);
      writeGroup(out, plan.stable());
      if (plan.hasCanary()) {
        writeGroup(out, plan.canary());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ModelDataSerializer.withChecksum(bytes);
  }

  /** Whether {@code blob} (unsigned) starts like a plan wrapper. */
  public static boolean isPlan(byte[] blob) {
    return blob != null && blob.length >= 4 && ByteBuffer.wrap(blob).getInt() == PLAN_MAGIC;
  }

  /**
   * Reads a plan wrapper or a plain envelope (then a plan of that model for every host), signed or
   * not (the signature is not checked here: that is the reader's {@link SignaturePolicy}).
   *
   * @throws InvalidModelDataException if the blob or one of its members is corrupt, truncated or of
   *     an unknown format
   */
  public static ServingPlan deserialize(byte[] message) {
    byte[] blob = ModelSignature.envelopeOf(message);
    if (!isPlan(blob)) {
      return ServingPlan.single(ModelDataSerializer.deserialize(blob));
    }
    if (blob.length < 8 + 4 + 4) {
      throw new InvalidModelDataException("serving plan is truncated (" + blob.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(blob, 0, blob.length - 8);
    long stored = 0;
    for (int i = blob.length - 8; i < blob.length; i++) {
      stored = (stored << 8) | (blob[i] & 0xff);
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(blob, 0, blob.length - 8))) {
      in.readInt(); // magic
      int format = in.readInt();
      if (format != PLAN_FORMAT_VERSION) {
        throw new InvalidModelDataException(
            "unsupported serving plan format version "
                + format
                + " (this reader: "
                + PLAN_FORMAT_VERSION
                + ")");
      }
      if (crc.getValue() != stored) {
        throw new InvalidModelDataException(
            "serving plan checksum mismatch: the blob is corrupted or truncated");
      }
      long epoch = in.readLong();
      long version = in.readLong();
      double share = in.readDouble();
      int groups = in.readInt();
      if (groups != 1 && groups != 2) {
        throw new InvalidModelDataException("a serving plan has 1 or 2 groups, got " + groups);
      }
      ServingPlan.Group stable = readGroup(in);
      ServingPlan.Group canary = groups == 2 ? readGroup(in) : null;
      if (in.available() > 0) {
        throw new InvalidModelDataException(
            "serving plan has " + in.available() + " unexpected trailing bytes");
      }
      return new ServingPlan(epoch, version, stable, canary, share);
    } catch (EOFException e) {
      throw new InvalidModelDataException("serving plan is truncated", e);
    } catch (IOException e) {
      throw new InvalidModelDataException("serving plan is malformed: " + e.getMessage(), e);
    }
  }

  private static void writeGroup(DataOutputStream out, ServingPlan.Group g) throws IOException {
    double[] w = g.weights();
    out.writeInt(g.members().size());
    for (int i = 0; i < w.length; i++) {
      out.writeDouble(w[i]);
      byte[] envelope = ModelDataSerializer.serialize(g.members().get(i));
      out.writeInt(envelope.length);
      out.write(envelope);
    }
  }

  private static ServingPlan.Group readGroup(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 1 || n > ServingPlan.MAX_MEMBERS) {
      throw new InvalidModelDataException(
          "a serving group has 1 to " + ServingPlan.MAX_MEMBERS + " members, got " + n);
    }
    List<ModelData> members = new ArrayList<>(n);
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      weights[i] = in.readDouble();
      int len = in.readInt();
      if (len < 0 || len > in.available()) {
        throw new EOFException(
            "member of " + len + " bytes exceeds the " + in.available() + " bytes left");
      }
      members.add(ModelDataSerializer.deserialize(in.readNBytes(len)));
    }
    return new ServingPlan.Group(members, weights);
  }
}
