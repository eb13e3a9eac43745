package org.tftflink.model.tft.envelope;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;

/**
 * Weights blob of a model: the feature scaler's statistics, then each parameter by scoped name as
 * doubles, so that a rebuilt graph (SameDiff.load fails on recurrent graphs) gives bit-identical
 * forecasts.
 */
public final class WeightsCodec {
  private WeightsCodec() {}

  /** What a weights blob holds, without building a graph (which costs a second or more). */
  public record Contents(FeatureScaler scaler, Map<String, double[]> parameters) {}

  public static byte[] encode(TftModel model) {
    return encode(model.scaler(), model.parameterValues());
  }

  /** The blob of a scaler and parameter values by scoped name, in their map's order. */
  public static byte[] encode(FeatureScaler s, Map<String, double[]> params) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (double[] a :
          new double[][] {
            s.observedMean(),
            s.observedStd(),
            s.knownMean(),
            s.knownStd(),
            s.staticMean(),
            s.staticStd()
          }) {
        writeArray(out, a);
      }
      out.writeInt(params.size());
      for (Map.Entry<String, double[]> e : params.entrySet()) {
        out.writeUTF(e.getKey());
        writeArray(out, e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static TftModel decode(TftConfig config, byte[] blob) {
    Contents c = read(blob);
    return TftModel.restore(config, c.scaler(), c.parameters());
  }

  /** The scaler and parameter values of a blob. */
  public static Contents read(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      FeatureScaler scaler =
          new FeatureScaler(
              readArray(in),
              readArray(in),
              readArray(in),
              readArray(in),
              readArray(in),
              readArray(in));
      int n = in.readInt();
      Map<String, double[]> params = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        params.put(in.readUTF(), readArray(in));
      }
      return new Contents(scaler, params);
    } catch (IOException e) {
      throw new InvalidModelDataException(
          "weights blob is truncated or malformed: " + e.getMessage(), e);
    }
  }

  private static void writeArray(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double v : a) {
      out.writeDouble(v);
    }
  }

  private static double[] readArray(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 100_000_000) {
      throw new IOException("implausible array length " + n);
    }
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readDouble();
    }
    return a;
  }
}
