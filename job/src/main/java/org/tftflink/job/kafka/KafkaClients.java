package org.tftflink.job.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;

/**
 * The settings every Kafka client of the job gets on top of its own (SASL, TLS and the like): the
 * entries of {@code kafka.client_properties_file}, overridden by {@code kafka.client.<setting>}
 * options. The job's bootstrap servers always win over a {@code bootstrap.servers} entry.
 */
public final class KafkaClients {

  private KafkaClients() {}

  /** The configured client settings, without {@code bootstrap.servers}. */
  public static Map<String, String> settings(Settings settings) {
    Map<String, String> out = new TreeMap<>();
    String file = settings.get(Options.KAFKA_CLIENT_PROPERTIES_FILE);
    if (!file.isBlank()) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(Path.of(file))) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "option " + Options.KAFKA_CLIENT_PROPERTIES_FILE.name() + ": cannot read " + file, e);
      }
      p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    }
    out.putAll(settings.withPrefix(Options.KAFKA_CLIENT_PREFIX));
    out.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    return out;
  }

  /** The configured client settings as properties, for Flink's Kafka source and sink builders. */
  public static Properties properties(Settings settings) {
    Properties p = new Properties();
    p.putAll(settings(settings));
    return p;
  }

  /** A client's settings: the configured ones and {@code bootstrap.servers}. */
  public static Map<String, Object> withBootstrap(Settings settings, String bootstrap) {
    Map<String, Object> out = new HashMap<>(settings(settings));
    out.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return out;
  }
}
