package org.tftflink.model.online.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

  /** Every DataOutput method with random arguments, the same calls to both outputs. */
  private static void writeAll(DataOutput out, long seed) throws IOException {
    Random r = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      switch (r.nextInt(13)) {
        case 0 -> out.write(r.nextInt());
        case 1 -> {
          byte[] b = new byte[r.nextInt(40)];
          r.nextBytes(b);
          out.write(b);
        }
        case 2 -> {
          byte[] b = new byte[10 + r.nextInt(40)];
          r.nextBytes(b);
          out.write(b, 3, b.length - 7);
        }
        case 3 -> out.writeBoolean(r.nextBoolean());
        case 4 -> out.writeByte(r.nextInt());
        case 5 -> out.writeShort(r.nextInt());
        case 6 -> out.writeChar(r.nextInt());
        case 7 -> out.writeInt(r.nextInt());
        case 8 -> out.writeLong(r.nextLong());
        case 9 -> out.writeFloat(r.nextBoolean() ? Float.NaN : (float) r.nextGaussian());
        case 10 ->
            out.writeDouble(
                switch (r.nextInt(5)) {
                  case 0 -> Double.NaN;
                  case 1 -> Double.longBitsToDouble(0x7ff8_0000_0000_0001L); // another NaN
                  case 2 -> -0.0;
                  case 3 -> Double.NEGATIVE_INFINITY;
                  default -> r.nextGaussian() * 1e6;
                });
        case 11 -> out.writeChars(randomString(r));
        default -> {
          out.writeUTF(randomString(r));
          out.writeBytes(randomString(r));
        }
      }
    }
  }

  /** ASCII, NUL (two bytes in modified UTF-8), two- and three-byte chars, lone surrogates. */
  private static String randomString(Random r) {
    char[] pool = {
      'a', 'Z', '0', '\u0000', '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\ud83d',
      '\ude00', '\uffff'
    };
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(30); i > 0; i--) {
      s.append(pool[r.nextInt(pool.length)]);
    }
    return s.toString();
  }

  @Test
  void shouldWriteTheSameBytesAsADataOutputStream() throws IOException {
    for (long seed = 1; seed <= 20; seed++) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(expected)) {
        writeAll(out, seed);
      }
      ByteSink sink = new ByteSink(1); // grows many times on the way
      writeAll(sink, seed);

      assertThat(sink.size()).isEqualTo(expected.size());
      assertThat(sink.toByteArray()).as("seed " + seed).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void shouldRefuseAStringOverTheModifiedUtf8LengthLimitLikeADataOutputStream() {
    String tooLong = "\u20ac".repeat(65535 / 3 + 1); // 3 bytes each: 65,538 bytes
    assertThatThrownBy(() -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF(tooLong))
        .isInstanceOf(UTFDataFormatException.class);
    ByteSink sink = new ByteSink(16);
    assertThatThrownBy(() -> sink.writeUTF(tooLong)).isInstanceOf(UTFDataFormatException.class);
    assertThat(sink.size()).isZero();
  }
}
