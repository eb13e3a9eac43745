package org.tftflink.job.replay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads a JSON-lines file as raw messages: one line is one message whose bytes are exactly the
 * line's bytes (only the {@code '\n'} separator is removed; a {@code '\r'}, an empty line or
 * invalid UTF-8 is kept as is), so that bad input reaches the job unchanged.
 */
public final class JsonLines implements Iterator<ReplayMessage>, AutoCloseable {

  // Trailing garbage after the object means the line is not JSON: it gets no key, like any bad
  // line.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final InputStream in;
  private final Path file;
  private byte[] next;
  private long lineNumber;

  private JsonLines(InputStream in, Path file) {
    this.in = in;
    this.file = file;
    this.next = readLine();
  }

  /** Opens {@code file} for reading; close the result when done. */
  public static JsonLines open(Path file) {
    try {
      return new JsonLines(new BufferedInputStream(Files.newInputStream(file), 1 << 16), file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the JSON-lines file " + file, e);
    }
  }

  /**
   * The host of a message: the value of {@code "host"} when the bytes are valid UTF-8 holding one
   * JSON object whose {@code host} is a non-empty string, else {@code null}.
   */
  public static String hostOf(byte[] line) {
    if (line.length == 0 || !isUtf8(line)) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject()) {
        return null;
      }
      JsonNode host = node.get("host");
      return host != null && host.isTextual() && !host.textValue().isEmpty()
          ? host.textValue()
          : null;
    } catch (IOException notJson) {
      return null;
    }
  }

  /** Whether {@code bytes} are well-formed UTF-8. */
  public static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Override
  public boolean hasNext() {
    return next != null;
  }

  @Override
  public ReplayMessage next() {
    if (next == null) {
      throw new NoSuchElementException("No more lines in " + file);
    }
    byte[] line = next;
    next = readLine();
    return new ReplayMessage(hostOf(line), line);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + file, e);
    }
  }

  // A final '\n' ends the last line rather than starting an empty one, as in every text editor.
  private byte[] readLine() {
    try {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b = in.read();
      if (b < 0) {
        return null;
      }
      while (b >= 0 && b != '\n') {
        line.write(b);
        b = in.read();
      }
      lineNumber++;
      return line.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read line " + (lineNumber + 1) + " of " + file, e);
    }
  }
}
