package org.tftflink.model.online.config;

/** Parses one configuration value, or throws an exception that names key, value and range. */
@FunctionalInterface
public interface Validator {
  /**
   * @param key the key being parsed, for the error message
   * @param value the text from a file, preset or override (already trimmed)
   * @return the typed value (Integer, Double, Boolean, String, enum or an immutable collection)
   */
  Object parse(String key, String value);
}
