package org.tftflink.model.online.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validators of the online-learning keys; each error names the key, the value and the range.
 */
final class Validators {
  private Validators() {}

  static Validator intIn(int min, int max) {
    return (key, value) -> {
      int v;
      try {
        v = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw invalid(key, value, "an integer in [" + min + ", " + max + "]");
      }
      if (v < min || v > max) {
        throw invalid(key, value, "an integer in [" + min + ", " + max + "]");
      }
      return v;
    };
  }

  static Validator doubleIn(double min, double max, boolean minOpen) {
    String range = (minOpen ? "(" : "[") + min + ", " + max + "]";
    return (key, value) -> {
      double v;
      try {
        v = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw invalid(key, value, "a number in " + range);
      }
      if (!Double.isFinite(v) || v < min || v > max || (minOpen && v == min)) {
        throw invalid(key, value, "a number in " + range);
      }
      return v;
    };
  }

  static Validator bool() {
    return (key, value) ->
        switch (value.toLowerCase(Locale.ROOT)) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw invalid(key, value, "true or false");
        };
  }

  static Validator oneOf(String... allowed) {
    List<String> list = Arrays.asList(allowed);
    return (key, value) -> {
      String v = value.toLowerCase(Locale.ROOT);
      if (!list.contains(v)) {
        throw invalid(key, value, "one of " + String.join(", ", list));
      }
      return v;
    };
  }

  /** Comma-separated hours of day (UTC) and ranges, e.g. {@code 0-5,22-23}; empty = every hour. */
  static Validator hours() {
    return (key, value) -> {
      Set<Integer> hours = new TreeSet<>();
      for (String part : value.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        String[] ends = p.split("-", -1);
        try {
          int from = Integer.parseInt(ends[0].trim());
          int to = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : from;
          if (ends.length > 2 || from < 0 || to > 23 || from > to) {
            throw new NumberFormatException();
          }
          for (int h = from; h <= to; h++) {
            hours.add(h);
          }
        } catch (NumberFormatException e) {
          throw invalid(key, value, "hours of day 0-23 as a list of hours and ranges, e.g. 0-5,22");
        }
      }
      return Collections.unmodifiableSet(hours);
    };
  }

  /** Comma-separated block scopes (letters, digits, _ and /); empty = all blocks. */
  static Validator names() {
    return (key, value) -> {
      Set<String> names = new LinkedHashSet<>();
      for (String part : value.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (!p.matches("[A-Za-z0-9_/]+")) {
          throw invalid(key, value, "comma-separated block names (letters, digits, _ and /)");
        }
        names.add(p);
      }
      return Collections.unmodifiableSet(names);
    };
  }

  static IllegalArgumentException invalid(String key, String value, String allowed) {
    return new IllegalArgumentException(
        "online config: invalid value '" + value + "' for " + key + ", expected " + allowed);
  }

  /** Renders a parsed value back to the text form the validator reads. */
  static String format(Object value) {
    if (value instanceof Set<?> set) {
      List<String> parts = new ArrayList<>();
      set.forEach(v -> parts.add(String.valueOf(v)));
      return String.join(",", parts);
    }
    return String.valueOf(value);
  }
}
