package org.tftflink.model.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Short, printable descriptions of offending JSON values for dead-letter messages.
 *
 * <p>Only called on the error path, so clarity wins over speed here.
 */
final class ValueText {

  /** Longest excerpt of an offending value, so a dead letter stays readable and small. */
  static final int MAX_EXCERPT_CHARS = 100;

  private ValueText() {}

  /**
   * Describes the value at the current token, e.g. {@code string "abc"} or {@code an object}, and
   * skips a structured value so that the caller stays positioned at its end.
   */
  static String describeAndSkip(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> "string " + quoted(parser.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + excerpt(parser.getText());
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      case START_OBJECT -> {
        parser.skipChildren();
        yield "an object";
      }
      case START_ARRAY -> {
        parser.skipChildren();
        yield "an array";
      }
      default -> String.valueOf(token);
    };
  }

  /**
   * {@code text} in double quotes, with quotes, backslashes and control characters escaped, cut to
   * {@link #MAX_EXCERPT_CHARS} characters with the full length noted after the closing quote.
   */
  static String quoted(String text) {
    int end = cutPoint(text);
    StringBuilder out = new StringBuilder(end + 24).append('"');
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
    return end < text.length()
        ? out.append("...(").append(text.length()).append(" chars)").toString()
        : out.toString();
  }

  /** At most {@link #MAX_EXCERPT_CHARS} characters of {@code text}, with the full length if cut. */
  static String excerpt(String text) {
    int end = cutPoint(text);
    return end < text.length() ? text.substring(0, end) + "...(" + text.length() + " chars)" : text;
  }

  /**
   * Where to cut {@code text}: at the excerpt limit, but never between the halves of a surrogate
   * pair.
   */
  private static int cutPoint(String text) {
    if (text.length() <= MAX_EXCERPT_CHARS) {
      return text.length();
    }
    return Character.isHighSurrogate(text.charAt(MAX_EXCERPT_CHARS - 1))
        ? MAX_EXCERPT_CHARS - 1
        : MAX_EXCERPT_CHARS;
  }
}
