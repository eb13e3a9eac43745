package org.tftflink.model.event;

/**
 * Recognises the spellings of NaN and infinity that producers put in strings ({@code "NaN"}, {@code
 * "-Infinity"}, Python's {@code "nan"} and {@code "inf"}), case-insensitively and with an optional
 * sign, so that they are reported as non-finite rather than as non-numeric.
 */
final class NonFiniteWords {

  private static final String[] WORDS = {"nan", "inf", "infinity"};

  private NonFiniteWords() {}

  static boolean matches(char[] text, int offset, int length) {
    int start = offset;
    int len = length;
    if (len > 0 && (text[start] == '+' || text[start] == '-')) {
      start++;
      len--;
    }
    for (String word : WORDS) {
      if (word.length() == len && equalsIgnoreAsciiCase(word, text, start)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(String text) {
    return matches(text.toCharArray(), 0, text.length());
  }

  private static boolean equalsIgnoreAsciiCase(String lowerWord, char[] text, int start) {
    for (int i = 0; i < lowerWord.length(); i++) {
      char c = text[start + i];
      char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
      if (lower != lowerWord.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
