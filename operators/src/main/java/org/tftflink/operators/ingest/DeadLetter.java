package org.tftflink.operators.ingest;

import org.tftflink.model.event.DeadLetterReason;

/**
 * A message that cannot be used, with the reason code of {@link DeadLetterReason}, a human message,
 * the original bytes and where it came from. Written to {@code metrics-dlq} with the original bytes
 * as the record value and the rest as headers. A Flink POJO.
 */
public class DeadLetter {

  public String reason;
  public String message;
  public byte[] payload;
  public String topic;
  public int partition;
  public long offset;

  public DeadLetter() {}

  public DeadLetter(
      DeadLetterReason reason,
      String message,
      byte[] payload,
      String topic,
      int partition,
      long offset) {
    this.reason = reason.code();
    this.message = message;
    this.payload = payload;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }
}
