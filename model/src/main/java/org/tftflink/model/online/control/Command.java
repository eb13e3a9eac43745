package org.tftflink.model.online.control;

import java.util.Locale;

/**
 * One operator command from the tft-control topic: {@code rollback N}, {@code pin N}, {@code
 * unpin}, {@code pause}, {@code resume}, {@code update-now}.
 *
 * @param verb the command word, lower case
 * @param version the version argument of rollback and pin; 0 otherwise
 */
public record Command(String verb, long version) {
  public static final String ROLLBACK = "rollback";
  public static final String PIN = "pin";
  public static final String UNPIN = "unpin";
  public static final String PAUSE = "pause";
  public static final String RESUME = "resume";
  public static final String UPDATE_NOW = "update-now";

  /** Parses a command line; throws an IllegalArgumentException saying what is wrong. */
  public static Command parse(String line) {
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException("empty command");
    }
    String[] parts = line.trim().split("\\s+");
    String verb = parts[0].toLowerCase(Locale.ROOT);
    switch (verb) {
      case ROLLBACK, PIN -> {
        if (parts.length != 2) {
          throw new IllegalArgumentException(
              verb + " needs one version number, e.g. '" + verb + " 3'");
        }
        long v;
        try {
          v = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(verb + ": '" + parts[1] + "' is not a version number");
        }
        if (v < 1) {
          throw new IllegalArgumentException(verb + ": versions start at 1, got " + v);
        }
        return new Command(verb, v);
      }
      case UNPIN, PAUSE, RESUME, UPDATE_NOW -> {
        if (parts.length != 1) {
          throw new IllegalArgumentException(verb + " takes no argument");
        }
        return new Command(verb, 0);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown command '"
                  + parts[0]
                  + "', expected rollback N, pin N, unpin, pause, resume or update-now");
    }
  }
}
