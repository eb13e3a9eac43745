package org.tftflink.job.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * An immutable set of option values: defaults, overridden by a properties file, overridden by
 * command-line {@code --set key=value}. Values are parsed and validated when set, so a bad value
 * fails at start-up with the option's name, never mid-stream.
 */
public final class Settings {

  private final Map<String, Object> values;

  private Settings(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  public static Settings defaults() {
    return new Settings(Map.of());
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    Object v = values.get(option.name());
    return v == null ? option.defaultValue() : (T) v;
  }

  /** Whether {@code option} was set (by a file or the command line) rather than defaulted. */
  public boolean isSet(Option<?> option) {
    return values.containsKey(option.name());
  }

  /**
   * A copy with {@code name} set from its string form; a name under {@link
   * Options#KAFKA_CLIENT_PREFIX} is a Kafka client setting, kept as given.
   */
  public Settings with(String name, String raw) {
    if (name.startsWith(Options.KAFKA_CLIENT_PREFIX)
        && name.length() > Options.KAFKA_CLIENT_PREFIX.length()) {
      Map<String, Object> copy = new HashMap<>(values);
      copy.put(name, raw.trim());
      return new Settings(copy);
    }
    Option<?> option = Options.byName(name);
    Map<String, Object> copy = new HashMap<>(values);
    copy.put(name, option.parse(raw));
    return new Settings(copy);
  }

  public <T> Settings with(Option<T> option, T value) {
    Map<String, Object> copy = new HashMap<>(values);
    copy.put(option.name(), value);
    return new Settings(copy);
  }

  /** The entries set under {@code prefix}, with the prefix removed from their names. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new java.util.TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && v instanceof String text) {
            out.put(k.substring(prefix.length()), text);
          }
        });
    return out;
  }

  /** A copy with every entry of a properties file applied. */
  public Settings withFile(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Settings s = this;
    for (String key : p.stringPropertyNames()) {
      try {
        s = s.with(key, p.getProperty(key));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    return s;
  }
}
