package org.tftflink.job.cli;

import picocli.CommandLine.TypeConversionException;

/**
 * The error of an option that takes one word of a few, worded as picocli's other bad values:
 * "Invalid value for option '--split': expected ett or half, got 'halves'".
 */
public final class Choice {

  private Choice() {}

  public static TypeConversionException unknown(String value, String... words) {
    return new TypeConversionException(
        "expected " + String.join(" or ", words) + ", got '" + value + "'");
  }
}
