package org.tftflink.job.k8s;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * Which Flink configuration keys the manifests may set: the keys of Flink 2.2's own option classes
 * (read from the classes, so a key renamed in a Flink upgrade fails here), plus the families that
 * are configured outside them.
 */
final class FlinkConfigKeys {

  private static final List<Class<?>> OPTION_CLASSES =
      List.of(
          CheckpointingOptions.class,
          StateBackendOptions.class,
          StateRecoveryOptions.class,
          HighAvailabilityOptions.class,
          RestartStrategyOptions.class,
          ClusterOptions.class,
          CoreOptions.class,
          JobManagerOptions.class,
          TaskManagerOptions.class,
          MetricOptions.class,
          ExternalResourceOptions.class,
          RocksDBOptions.class,
          RocksDBConfigurableOptions.class);

  /** Read by other components: the operator, the S3 filesystem plugin, one metric reporter. */
  private static final List<String> OTHER_PREFIXES =
      List.of("kubernetes.operator.", "s3.", "metrics.reporter.prom.");

  private final Set<String> keys = new HashSet<>();

  FlinkConfigKeys() {
    for (Class<?> c : OPTION_CLASSES) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers())
            && ConfigOption.class.isAssignableFrom(f.getType())) {
          try {
            ConfigOption<?> o = (ConfigOption<?>) f.get(null);
            keys.add(o.key());
            for (FallbackKey k : o.fallbackKeys()) {
              keys.add(k.getKey());
            }
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
  }

  /** Whether Flink (or the component owning the key's prefix) reads {@code key}. */
  boolean known(String key, Set<String> externalResources) {
    if (keys.contains(key) || OTHER_PREFIXES.stream().anyMatch(key::startsWith)) {
      return true;
    }
    for (String r : externalResources) {
      if (key.equals(ExternalResourceOptions.getAmountConfigOptionForResource(r))
          || key.equals(
              ExternalResourceOptions.getExternalResourceDriverFactoryConfigOptionForResource(r))
          || key.startsWith(
              ExternalResourceOptions.getExternalResourceParamConfigPrefixForResource(r))) {
        return true;
      }
    }
    return false;
  }
}
