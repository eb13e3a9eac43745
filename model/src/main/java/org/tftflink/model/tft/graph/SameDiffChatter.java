package org.tftflink.model.tft.graph;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Drops the one line per op that nd4j-api 1.0.0-M2.1 prints with {@code System.out.println} each
 * time SameDiff builds a gradient function ("Added differentiated op ...", 431 lines per TFT
 * graph): no logging configuration reaches it, and it buried the CLI's progress lines and CI's log.
 * Every other line passes through unchanged. Set {@code TFT_SAMEDIFF_VERBOSE=true} (or the system
 * property {@code tft.samediff.verbose=true}) to see the library's lines again.
 */
public final class SameDiffChatter {
  static final String PREFIX = "Added differentiated op ";
  private static boolean installed;

  private SameDiffChatter() {}

  /** Wraps {@code System.out} once per JVM with the line filter, unless verbose output is asked. */
  public static synchronized void silence() {
    if (installed || verbose()) {
      return;
    }
    installed = true;
    System.setOut(filtering(System.out));
  }

  /** A stream that forwards every line to {@code target} except SameDiff's op lines. */
  static PrintStream filtering(PrintStream target) {
    return new PrintStream(new LineFilter(target), true, StandardCharsets.UTF_8);
  }

  private static boolean verbose() {
    return Boolean.parseBoolean(System.getenv("TFT_SAMEDIFF_VERBOSE"))
        || Boolean.getBoolean("tft.samediff.verbose");
  }

  /** Buffers one line at a time and decides when it ends (or on flush, for a partial line). */
  private static final class LineFilter extends OutputStream {
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);
    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public synchronized void write(int b) {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    @Override
    public synchronized void flush() {
      // a partial line that may still become an op line waits for its end; anything else goes now
      if (line.size() > 0 && !couldBeOpLine()) {
        emit();
      }
      target.flush();
    }

    private boolean couldBeOpLine() {
      byte[] start = line.toByteArray();
      int n = Math.min(start.length, PREFIX_BYTES.length);
      for (int i = 0; i < n; i++) {
        if (start[i] != PREFIX_BYTES[i]) {
          return false;
        }
      }
      return true;
    }

    private void emit() {
      boolean opLine = line.size() >= PREFIX_BYTES.length && couldBeOpLine();
      if (!opLine) {
        target.write(line.toByteArray(), 0, line.size());
      }
      line.reset();
    }
  }
}
