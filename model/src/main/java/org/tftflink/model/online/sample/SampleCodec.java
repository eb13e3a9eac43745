package org.tftflink.model.online.sample;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/** Binary form of a matured sample inside the learner's snapshot, and its size in memory. */
public final class SampleCodec {
  private SampleCodec() {}

  public static void write(DataOutput out, MaturedSample s) throws IOException {
    out.writeUTF(s.host());
    out.writeLong(s.originMs());
    TftWindow w = s.sample().window();
    writeMatrix(out, w.observed());
    writeMatrix(out, w.known());
    out.writeInt(w.staticCategoricals().length);
    for (String c : w.staticCategoricals()) {
      out.writeUTF(c);
    }
    writeVector(out, w.staticReals());
    writeVector(out, s.sample().futureTarget());
    writeMatrix(out, s.served());
    out.writeLong(s.servedVersion());
  }

  public static MaturedSample read(DataInput in) throws IOException {
    String host = in.readUTF();
    long origin = in.readLong();
    double[][] observed = readMatrix(in);
    double[][] known = readMatrix(in);
    String[] cats = new String[in.readInt()];
    for (int i = 0; i < cats.length; i++) {
      cats[i] = in.readUTF();
    }
    double[] staticReals = readVector(in);
    double[] future = readVector(in);
    double[][] served = readMatrix(in);
    long version = in.readLong();
    return new MaturedSample(
        host,
        origin,
        new TrainingSample(new TftWindow(observed, known, cats, staticReals), future),
        served,
        version);
  }

  /**
   * Heap bytes one sample holds: 8 per double plus a 16-byte header per array and row, plus the
   * strings (2 bytes a char, 40 of overhead) and ~100 bytes of records. The docs' bounds use it.
   */
  public static long bytes(MaturedSample s) {
    TftWindow w = s.sample().window();
    long b = 100 + matrixBytes(w.observed()) + matrixBytes(w.known()) + matrixBytes(s.served());
    b += 16 + 8L * w.staticReals().length + 16 + 8L * s.sample().futureTarget().length;
    b += 40 + 2L * s.host().length();
    for (String c : w.staticCategoricals()) {
      b += 40 + 2L * c.length();
    }
    return b;
  }

  /** The same estimate from the window's dimensions (strings of about 16 chars). */
  public static long bytes(
      int encoderLength,
      int horizon,
      int observedReals,
      int knownReals,
      int quantiles,
      int staticCategoricals,
      int staticReals) {
    long rows = encoderLength + (encoderLength + horizon) + horizon;
    long doubles =
        (long) encoderLength * observedReals
            + (long) (encoderLength + horizon) * knownReals
            + (long) horizon * quantiles
            + staticReals
            + horizon;
    return 100 + 16 * 4 + 16 * rows + 8 * doubles + 16 + 72L * (1 + staticCategoricals);
  }

  private static long matrixBytes(double[][] m) {
    long b = 16;
    for (double[] row : m) {
      b += 16 + 8L * row.length;
    }
    return b;
  }

  private static void writeMatrix(DataOutput out, double[][] m) throws IOException {
    out.writeInt(m.length);
    for (double[] row : m) {
      writeVector(out, row);
    }
  }

  private static double[][] readMatrix(DataInput in) throws IOException {
    double[][] m = new double[in.readInt()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = readVector(in);
    }
    return m;
  }

  private static void writeVector(DataOutput out, double[] v) throws IOException {
    out.writeInt(v.length);
    for (double x : v) {
      out.writeDouble(x);
    }
  }

  private static double[] readVector(DataInput in) throws IOException {
    double[] v = new double[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readDouble();
    }
    return v;
  }
}
