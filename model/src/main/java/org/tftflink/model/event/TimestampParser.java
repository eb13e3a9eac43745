package org.tftflink.model.event;

/**
 * Reads the textual forms of the {@code ts} field into epoch milliseconds without allocating.
 *
 * <p>Accepted forms:
 *
 * <ul>
 *   <li>a string of 1 to 18 ASCII digits: epoch milliseconds;
 *   <li>ISO-8601 {@code yyyy-MM-dd'T'HH:mm[:ss[.fraction]][zone]}, where the separator may also be
 *       a space or a lower-case {@code t}, the fraction has 1 to 9 digits (after {@code .} or
 *       {@code ,}) and is truncated to milliseconds, and the zone is {@code Z}, {@code z}, {@code
 *       +HH}, {@code +HHMM} or {@code +HH:MM} (or with {@code -}), at most 18 hours;
 *   <li>the same without a zone, read as UTC: collectors such as the ETT data set write UTC
 *       wall-clock times without a zone, and guessing a local zone on a server would be worse.
 * </ul>
 *
 * <p>Hand-written rather than {@code java.time.format.DateTimeFormatter} because it runs for every
 * event: it allocates nothing and checks every calendar field (month length, leap years).
 */
final class TimestampParser {

  /** Returned when the text is not one of the accepted forms. */
  static final long UNPARSEABLE = Long.MIN_VALUE;

  private static final int MAX_EPOCH_DIGITS = 18;
  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final int MAX_OFFSET_HOURS = 18;

  private TimestampParser() {}

  /** Epoch milliseconds of {@code text[offset, offset + length)}, or {@link #UNPARSEABLE}. */
  static long parse(char[] text, int offset, int length) {
    if (length <= 0) {
      return UNPARSEABLE;
    }
    if (length <= MAX_EPOCH_DIGITS && allDigits(text, offset, length)) {
      return digits(text, offset, length);
    }
    return parseIso(text, offset, length);
  }

  /** Convenience overload for tests and cold paths. */
  static long parse(String text) {
    return parse(text.toCharArray(), 0, text.length());
  }

  private static long parseIso(char[] t, int off, int len) {
    int end = off + len;
    // fixed-width prefix: yyyy-MM-ddTHH:mm is 16 characters
    if (len < 16
        || t[off + 4] != '-'
        || t[off + 7] != '-'
        || !isDateTimeSeparator(t[off + 10])
        || t[off + 13] != ':') {
      return UNPARSEABLE;
    }
    int year = fixed(t, off, 4);
    int month = fixed(t, off + 5, 2);
    int day = fixed(t, off + 8, 2);
    int hour = fixed(t, off + 11, 2);
    int minute = fixed(t, off + 14, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return UNPARSEABLE;
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return UNPARSEABLE;
    }
    int pos = off + 16;
    int second = 0;
    int millis = 0;
    if (pos < end && t[pos] == ':') {
      second = pos + 3 <= end ? fixed(t, pos + 1, 2) : -1;
      // 60 would be a leap second; java.time smears it, we refuse to guess
      if (second < 0 || second > 59) {
        return UNPARSEABLE;
      }
      pos += 3;
      if (pos < end && (t[pos] == '.' || t[pos] == ',')) {
        int fractionStart = ++pos;
        while (pos < end && isDigit(t[pos])) {
          if (pos - fractionStart < 3) {
            millis = millis * 10 + (t[pos] - '0');
          }
          pos++;
        }
        int fractionDigits = pos - fractionStart;
        if (fractionDigits < 1 || fractionDigits > 9) {
          return UNPARSEABLE;
        }
        for (int i = fractionDigits; i < 3; i++) {
          millis *= 10;
        }
      }
    }
    int offsetSeconds = 0;
    if (pos < end) {
      offsetSeconds = zoneOffsetSeconds(t, pos, end);
      if (offsetSeconds == Integer.MIN_VALUE) {
        return UNPARSEABLE;
      }
    }
    long days = daysFromCivil(year, month, day);
    return days * MILLIS_PER_DAY
        + hour * 3_600_000L
        + minute * 60_000L
        + second * 1_000L
        + millis
        - offsetSeconds * 1_000L;
  }

  /** Seconds east of UTC of the zone in {@code t[pos, end)}, or {@code Integer.MIN_VALUE}. */
  private static int zoneOffsetSeconds(char[] t, int pos, int end) {
    char c = t[pos];
    int remaining = end - pos;
    if (c == 'Z' || c == 'z') {
      return remaining == 1 ? 0 : Integer.MIN_VALUE;
    }
    if (c != '+' && c != '-') {
      return Integer.MIN_VALUE;
    }
    int hours;
    int minutes;
    if (remaining == 3) {
      hours = fixed(t, pos + 1, 2);
      minutes = 0;
    } else if (remaining == 5) {
      hours = fixed(t, pos + 1, 2);
      minutes = fixed(t, pos + 3, 2);
    } else if (remaining == 6 && t[pos + 3] == ':') {
      hours = fixed(t, pos + 1, 2);
      minutes = fixed(t, pos + 4, 2);
    } else {
      return Integer.MIN_VALUE;
    }
    if (hours < 0 || hours > MAX_OFFSET_HOURS || minutes < 0 || minutes > 59) {
      return Integer.MIN_VALUE;
    }
    int seconds = hours * 3600 + minutes * 60;
    if (seconds > MAX_OFFSET_HOURS * 3600) {
      return Integer.MIN_VALUE;
    }
    return c == '-' ? -seconds : seconds;
  }

  /**
   * The non-negative number in {@code count} digits at {@code pos}, or -1 when one is not a digit.
   */
  private static int fixed(char[] t, int pos, int count) {
    int value = 0;
    for (int i = pos; i < pos + count; i++) {
      char c = t[i];
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean allDigits(char[] t, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (!isDigit(t[i])) {
        return false;
      }
    }
    return true;
  }

  private static long digits(char[] t, int off, int len) {
    long value = 0;
    for (int i = off; i < off + len; i++) {
      value = value * 10 + (t[i] - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isDateTimeSeparator(char c) {
    return c == 'T' || c == 't' || c == ' ';
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean isLeap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }
}
