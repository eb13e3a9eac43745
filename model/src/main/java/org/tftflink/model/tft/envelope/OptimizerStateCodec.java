package org.tftflink.model.tft.envelope;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optional optimizer section of an envelope (format 2): iteration, learning rate, then each
 * parameter's Adam state by scoped name as doubles; an empty section means no optimizer state.
 */
public final class OptimizerStateCodec {
  private OptimizerStateCodec() {}

  /** The section's bytes; empty for {@code null}. */
  public static byte[] encode(OptimizerState state) {
    if (state == null) {
      return new byte[0];
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(state.iteration());
      out.writeDouble(state.learningRate());
      Map<String, double[]> moments = state.sharedMoments();
      out.writeInt(moments.size());
      for (Map.Entry<String, double[]> e : moments.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (double v : e.getValue()) {
          out.writeDouble(v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The state in a section, or {@code null} for an empty one. */
  public static OptimizerState decode(byte[] section) {
    if (section.length == 0) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(section))) {
      long iteration = in.readLong();
      double learningRate = in.readDouble();
      int n = in.readInt();
      if (n < 0 || n > 100_000) {
        throw new InvalidModelDataException("optimizer section has an implausible count " + n);
      }
      Map<String, double[]> moments = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        int len = in.readInt();
        if (len < 0 || (long) len * 8 > in.available()) {
          throw new InvalidModelDataException(
              "optimizer state of " + name + " claims " + len + " values, more than the section");
        }
        double[] m = new double[len];
        for (int j = 0; j < len; j++) {
          m[j] = in.readDouble();
        }
        moments.put(name, m);
      }
      if (in.available() > 0) {
        throw new InvalidModelDataException(
            "optimizer section has " + in.available() + " unexpected trailing bytes");
      }
      return new OptimizerState(iteration, learningRate, moments);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidModelDataException("optimizer section is malformed: " + e.getMessage(), e);
    }
  }
}
