package org.tftflink.model.tft.envelope;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Binary envelope of {@link ModelData}: magic, format version, header, config, figures, SHA-256 and
 * weights, (format 2) the optional optimizer section, then a CRC-32 of everything before it, so
 * that any corrupted or truncated blob is rejected before loading.
 */
public final class ModelDataSerializer {
  /**
   * Current format, written by {@link #serialize}. Format 2 adds the optimizer section after the
   * weights; format-1 envelopes still read, without optimizer state.
   */
  public static final int FORMAT_VERSION = 2;

  /** The first format, without optimizer section; still read, never written. */
  static final int FORMAT_VERSION_1 = 1;

  private static final int MAGIC = 0x54465431; // "TFT1"

  private ModelDataSerializer() {}

  public static byte[] serialize(ModelData m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(m.modelVersion());
      out.writeLong(m.epoch());
      out.writeLong(m.parentVersion());
      out.writeLong(m.restoredFrom());
      out.writeLong(m.createdAtMs());
      writeBytes(out, TftConfigCodec.encode(m.config()).getBytes(StandardCharsets.UTF_8));
      writeFigures(out, m.trainingFigures());
      writeFigures(out, m.validationFigures());
      out.write(m.weightsSha256());
      writeBytes(out, m.weights());
      writeBytes(out, OptimizerStateCodec.encode(m.optimizer()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return withChecksum(bytes);
  }

  /**
   * {@code bytes} followed by the CRC-32 of everything in it, as a big-endian long: the trailer of
   * an envelope and of a serving plan.
   */
  static byte[] withChecksum(ByteArrayOutputStream bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    long checksum = crc.getValue();
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes.write((int) (checksum >>> shift));
    }
    return bytes.toByteArray();
  }

  /**
   * Reads an envelope, or the envelope inside a signed message ({@link ModelSignature}) without
   * checking its signature.
   *
   * @throws InvalidModelDataException if the blob is not a complete, intact envelope of this format
   */
  public static ModelData deserialize(byte[] message) {
    // a signed message holds the envelope unchanged; verifying it is the reader's policy
    // (SignaturePolicy), reading it is the same for everyone
    byte[] blob = ModelSignature.envelopeOf(message);
    if (blob == null || blob.length < 16) {
      throw new InvalidModelDataException(
          "model blob is too short ("
              + (blob == null ? 0 : blob.length)
              + " bytes) to be an envelope");
    }
    CRC32 crc = new CRC32();
    crc.update(blob, 0, blob.length - 8);
    long stored = 0;
    for (int i = blob.length - 8; i < blob.length; i++) {
      stored = (stored << 8) | (blob[i] & 0xff);
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(blob, 0, blob.length - 8))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new InvalidModelDataException(
            "not a TFT model envelope (magic " + Integer.toHexString(magic) + ")");
      }
      int format = in.readInt();
      if (format != FORMAT_VERSION && format != FORMAT_VERSION_1) {
        throw new InvalidModelDataException(
            "unsupported envelope format version "
                + format
                + " (this reader: "
                + FORMAT_VERSION_1
                + " and "
                + FORMAT_VERSION
                + ")");
      }
      if (crc.getValue() != stored) {
        throw new InvalidModelDataException(
            "model envelope checksum mismatch: the blob is corrupted or truncated");
      }
      long version = in.readLong();
      long epoch = in.readLong();
      long parent = in.readLong();
      long restoredFrom = in.readLong();
      long createdAt = in.readLong();
      String config = new String(readBytes(in), StandardCharsets.UTF_8);
      Map<String, Double> training = readFigures(in);
      Map<String, Double> validation = readFigures(in);
      byte[] sha = in.readNBytes(32);
      byte[] weights = readBytes(in);
      OptimizerState optimizer =
          format == FORMAT_VERSION_1 ? null : OptimizerStateCodec.decode(readBytes(in));
      if (in.available() > 0) {
        throw new InvalidModelDataException(
            "model envelope has " + in.available() + " unexpected trailing bytes");
      }
      if (!MessageDigest.isEqual(sha, ModelData.sha256(weights))) {
        throw new InvalidModelDataException("weights SHA-256 mismatch in model version " + version);
      }
      return new ModelData(
          version,
          epoch,
          parent,
          restoredFrom,
          createdAt,
          training,
          validation,
          TftConfigCodec.decode(config),
          weights,
          optimizer);
    } catch (EOFException e) {
      throw new InvalidModelDataException("model envelope is truncated", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidModelDataException("model envelope is malformed: " + e.getMessage(), e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new EOFException(
          "field of " + n + " bytes exceeds the " + in.available() + " bytes left");
    }
    return in.readNBytes(n);
  }

  private static void writeFigures(DataOutputStream out, Map<String, Double> figures)
      throws IOException {
    out.writeInt(figures.size());
    for (Map.Entry<String, Double> e : figures.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  private static Map<String, Double> readFigures(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 10_000) {
      throw new IOException("implausible number of figures " + n);
    }
    Map<String, Double> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.readUTF(), in.readDouble());
    }
    return m;
  }
}
