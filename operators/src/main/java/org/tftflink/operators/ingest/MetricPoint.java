package org.tftflink.operators.ingest;

/**
 * A valid metric event projected onto the configured columns (target, then covariates; NaN where
 * the event lacks a covariate), with its origin so that a late event can still be dead-lettered
 * with its original bytes. A Flink POJO: public fields, no-arg constructor.
 */
public class MetricPoint {

  public String host;
  public long timestampMillis;
  public double[] values;

  /** Static tags as sorted key, value pairs. */
  public String[] tags;

  /** The original message, byte for byte. */
  public byte[] raw;

  public String topic;
  public int partition;
  public long offset;

  public MetricPoint() {}

  public MetricPoint(
      String host, long timestampMillis, double[] values, String[] tags, byte[] raw) {
    this.host = host;
    this.timestampMillis = timestampMillis;
    this.values = values;
    this.tags = tags;
    this.raw = raw;
  }

  public MetricPoint from(String topic, int partition, long offset) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    return this;
  }
}
