package org.tftflink.model.event;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks on a raw message that come before JSON parsing: empty, oversize, strict UTF-8, NUL.
 *
 * <p>One pass over the bytes finds whether the message is blank, ASCII-only and NUL-free; the
 * strict decoder only runs for the rare message with non-ASCII bytes, because ASCII is valid UTF-8.
 */
final class RawMessageCheck {

  private static final int DECODE_CHUNK_CHARS = 256;

  private RawMessageCheck() {}

  /** The reason {@code message} cannot be parsed as JSON at all, or {@code null} when it may be. */
  static ParseResult.Invalid check(byte[] message, int maxMessageBytes) {
    if (message == null) {
      return new ParseResult.Invalid(DeadLetterReason.EMPTY, "message is null");
    }
    if (message.length == 0) {
      return new ParseResult.Invalid(DeadLetterReason.EMPTY, "message is empty (0 bytes)");
    }
    // checked before any decoding so that a huge message costs nothing beyond its length
    if (message.length > maxMessageBytes) {
      return new ParseResult.Invalid(
          DeadLetterReason.OVERSIZE,
          "message has " + message.length + " bytes, more than the maximum " + maxMessageBytes);
    }
    boolean blank = true;
    boolean ascii = true;
    int firstNul = -1;
    for (int i = 0; i < message.length; i++) {
      byte b = message[i];
      if (b < 0) {
        ascii = false;
      } else if (b == 0 && firstNul < 0) {
        firstNul = i;
      }
      if (blank && b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        blank = false;
      }
    }
    if (blank) {
      return new ParseResult.Invalid(
          DeadLetterReason.EMPTY, "message is blank (" + message.length + " whitespace bytes)");
    }
    if (!ascii) {
      ParseResult.Invalid utf8 = checkUtf8(message);
      if (utf8 != null) {
        return utf8;
      }
    }
    // JSON text never holds a raw NUL, and zero bytes would let Jackson guess UTF-16 or UTF-32
    if (firstNul >= 0) {
      return new ParseResult.Invalid(
          DeadLetterReason.NOT_JSON,
          "message has a NUL byte at offset " + firstNul + "; JSON text cannot contain one");
    }
    return null;
  }

  private static ParseResult.Invalid checkUtf8(byte[] message) {
    // a decoder holds state, so each call gets its own; this path runs only for non-ASCII messages
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(message);
    CharBuffer out = CharBuffer.allocate(Math.min(DECODE_CHUNK_CHARS, message.length));
    CoderResult result;
    do {
      out.clear();
      result = decoder.decode(in, out, true);
      if (result.isError()) {
        return invalidAt(message, in.position(), result.length());
      }
    } while (result.isOverflow());
    // a UTF-8 decoder keeps no partial state after end of input; flush only completes the protocol
    do {
      out.clear();
      result = decoder.flush(out);
    } while (result.isOverflow());
    return null;
  }

  private static ParseResult.Invalid invalidAt(byte[] message, int offset, int length) {
    StringBuilder bytes = new StringBuilder();
    for (int i = offset; i < Math.min(message.length, offset + Math.max(length, 1)); i++) {
      bytes
          .append(bytes.length() == 0 ? "" : " ")
          .append(String.format("0x%02X", message[i] & 0xFF));
    }
    return new ParseResult.Invalid(
        DeadLetterReason.INVALID_UTF8,
        "message is not valid UTF-8: malformed sequence " + bytes + " at byte offset " + offset);
  }
}
