package org.tftflink.model.online.sample;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/**
 * A growable byte array written as {@link DataOutput}, byte for byte what a {@code
 * DataOutputStream} over a {@code ByteArrayOutputStream} writes (big-endian, modified UTF-8),
 * without their per-byte synchronized calls: the learner's snapshot (thousands of samples of a few
 * hundred doubles each, on every checkpoint, on the trainer's task thread) spent most of its time
 * in them.
 */
public final class ByteSink implements DataOutput {

  private byte[] buf;
  private int size;

  public ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  /** A copy of the bytes written so far. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    int need = size + more;
    if (need < 0) {
      throw new IllegalStateException("ByteSink: more than 2 GiB written");
    }
    if (need > buf.length) {
      int grown = buf.length + (buf.length >> 1);
      buf = Arrays.copyOf(buf, Math.max(need, grown < 0 ? Integer.MAX_VALUE - 8 : grown));
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  @Override
  public void writeBoolean(boolean v) {
    write(v ? 1 : 0);
  }

  @Override
  public void writeByte(int v) {
    write(v);
  }

  @Override
  public void writeShort(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
  }

  @Override
  public void writeChar(int v) {
    writeShort(v);
  }

  @Override
  public void writeInt(int v) {
    ensure(4);
    buf[size++] = (byte) (v >>> 24);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
  }

  @Override
  public void writeLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
  }

  @Override
  public void writeFloat(float v) {
    writeInt(Float.floatToIntBits(v));
  }

  /** As {@code DataOutputStream}: the bits of {@link Double#doubleToLongBits} (one NaN form). */
  @Override
  public void writeDouble(double v) {
    writeLong(Double.doubleToLongBits(v));
  }

  @Override
  public void writeBytes(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[size++] = (byte) s.charAt(i);
    }
  }

  @Override
  public void writeChars(String s) {
    int n = s.length();
    ensure(2 * n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      buf[size++] = (byte) (c >>> 8);
      buf[size++] = (byte) c;
    }
  }

  /** Modified UTF-8 with a two-byte length, as {@code DataOutputStream.writeUTF}. */
  @Override
  public void writeUTF(String s) throws UTFDataFormatException {
    int n = s.length();
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      bytes += c >= 0x0001 && c <= 0x007F ? 1 : c > 0x07FF ? 3 : 2;
    }
    if (bytes > 65535) {
      throw new UTFDataFormatException(
          "ByteSink: a string of " + n + " chars encodes to " + bytes + " bytes, over 65535");
    }
    ensure(2 + (int) bytes);
    buf[size++] = (byte) (bytes >>> 8);
    buf[size++] = (byte) bytes;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x0001 && c <= 0x007F) {
        buf[size++] = (byte) c;
      } else if (c > 0x07FF) {
        buf[size++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
        buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      } else {
        buf[size++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }
}
