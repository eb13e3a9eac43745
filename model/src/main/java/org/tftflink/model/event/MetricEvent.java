package org.tftflink.model.event;

import java.util.Map;
import java.util.Objects;

/**
 * One validated metric event of the {@code metrics} topic: a host's measurements at one instant.
 *
 * <p>{@code metrics} holds the target and the observed covariates (all finite); {@code tags} are
 * static categoricals (cluster, role, ...). Both maps are unmodifiable.
 */
public record MetricEvent(
    String host, long timestampMillis, Map<String, Double> metrics, Map<String, String> tags) {

  public MetricEvent {
    Objects.requireNonNull(host, "host");
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
  }

  /** The value of {@code metric}, or NaN when the event does not carry it. */
  public double value(String metric) {
    Double v = metrics.get(metric);
    return v == null ? Double.NaN : v;
  }
}
