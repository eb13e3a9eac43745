package org.tftflink.model.tft.envelope;

/**
 * A model blob that must not be loaded: wrong magic or format version, truncated, or failing a
 * checksum.
 */
public final class InvalidModelDataException extends RuntimeException {
  public InvalidModelDataException(String message) {
    super(message);
  }

  public InvalidModelDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
