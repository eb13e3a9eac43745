package org.tftflink.job.replay;

import java.util.Objects;

/**
 * One message to replay: the exact value bytes and the host it belongs to, or {@code null} when the
 * message has no host (it is then sent without a key).
 */
public record ReplayMessage(String host, byte[] value) {

  public ReplayMessage {
    Objects.requireNonNull(value, "value");
    if (host != null && host.isEmpty()) {
      throw new IllegalArgumentException("host must be null or non-empty");
    }
  }
}
