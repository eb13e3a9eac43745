package org.tftflink.job.config;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A typed configuration option: a name, a default, a description and a validator, in the manner of
 * Flink's {@code ConfigOption}. Values are parsed from strings once, at the edge (CLI or file).
 */
public final class Option<T> {

  private final String name;
  private final T defaultValue;
  private final String description;
  private final Function<String, T> parser;
  private final Predicate<T> validator;
  private final String requirement;

  Option(
      String name,
      T defaultValue,
      String description,
      Function<String, T> parser,
      Predicate<T> validator,
      String requirement) {
    this.name = Objects.requireNonNull(name);
    this.defaultValue = defaultValue;
    this.description = description;
    this.parser = parser;
    this.validator = validator;
    this.requirement = requirement;
  }

  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** Parses and validates {@code raw}; the exception names the option, the value and the rule. */
  public T parse(String raw) {
    T value;
    try {
      value = parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "option "
              + name
              + ": cannot parse '"
              + raw
              + "' ("
              + requirement
              + "): "
              + e.getMessage(),
          e);
    }
    if (!validator.test(value)) {
      throw new IllegalArgumentException(
          "option " + name + ": '" + raw + "' is invalid, " + requirement);
    }
    return value;
  }

  @Override
  public String toString() {
    return name;
  }
}
