package org.tftflink.operators.ingest;

/**
 * What the metrics source emits for each Kafka record: exactly one of a valid {@link MetricPoint}
 * or a {@link DeadLetter}. Parsing happens in the source so that watermarks come from each
 * partition's valid event times (per-split watermarks); routing happens right after.
 */
public class IngestRecord {

  public MetricPoint point;
  public DeadLetter deadLetter;

  public IngestRecord() {}

  public static IngestRecord valid(MetricPoint point) {
    IngestRecord r = new IngestRecord();
    r.point = point;
    return r;
  }

  public static IngestRecord invalid(DeadLetter deadLetter) {
    IngestRecord r = new IngestRecord();
    r.deadLetter = deadLetter;
    return r;
  }

  public boolean isValid() {
    return point != null;
  }
}
