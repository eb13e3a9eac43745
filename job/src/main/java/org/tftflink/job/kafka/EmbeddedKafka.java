package org.tftflink.job.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM,
 * for the tests and the demo; its data lives in a temporary directory that {@link #close()}
 * removes. It can be stopped and started again ({@link #stop()}, {@link #restart()}) on the same
 * client ports and the same log directory, without reformatting: what a broker restart in
 * production looks like to the job.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /**
   * Largest record batch the broker accepts: a 64 MiB model message plus room for the batch header.
   */
  public static final int MAX_MESSAGE_BYTES = Topics.MODEL_MAX_MESSAGE_BYTES + 1024 * 1024;

  private final TestKitNodes nodes;
  private final Map<String, String> overrides;

  /** The SCRAM listener's security protocol, or null without that listener. */
  private final String scramProtocol;

  private final Path dataDir;
  private final Duration startupTime;
  private final String bootstrapServers;
  private final int brokerPort;
  private final int scramPort;
  private final Thread shutdownHook;
  private volatile KafkaClusterTestKit cluster;
  private boolean closed;

  private EmbeddedKafka(
      KafkaClusterTestKit cluster,
      TestKitNodes nodes,
      Map<String, String> overrides,
      String scramProtocol,
      Path dataDir,
      Duration startupTime) {
    this.cluster = cluster;
    this.nodes = nodes;
    this.overrides = Map.copyOf(overrides);
    this.scramProtocol = scramProtocol;
    this.dataDir = dataDir;
    this.startupTime = startupTime;
    this.brokerPort = brokerPort(cluster);
    this.scramPort = scramProtocol != null ? boundPort(cluster, SCRAM_LISTENER) : 0;
    this.bootstrapServers = "127.0.0.1:" + brokerPort;
    // The demo is often stopped with Ctrl-C; without the hook the data directory would stay behind.
    this.shutdownHook = new Thread(this::closeAfterShutdownHold, "embedded-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private volatile java.util.concurrent.Future<?> shutdownHold;
  private volatile Duration shutdownHoldMax = Duration.ZERO;

  /**
   * On Ctrl-C, keeps the broker up until {@code done} completes (at most {@code max}), so that a
   * job stopping with a savepoint can still commit its transactions; JVM shutdown hooks run
   * concurrently, and this one would otherwise close the broker first.
   */
  public void holdShutdownUntil(java.util.concurrent.Future<?> done, Duration max) {
    this.shutdownHoldMax = max;
    this.shutdownHold = done;
  }

  private void closeAfterShutdownHold() {
    java.util.concurrent.Future<?> hold = shutdownHold;
    if (hold != null) {
      try {
        hold.get(shutdownHoldMax.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // closing anyway: the hold is a courtesy to a clean stop, not a reason to hang the JVM
      }
    }
    closeQuietly();
  }

  /**
   * Kafka's storage formatter prints its bootstrap records to stdout; the demo's console is for
   * progress.
   */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      cluster.format();
    } finally {
      System.setOut(out);
    }
  }

  /** Formats and starts a broker with the default settings, waiting until it accepts clients. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /**
   * Formats and starts a broker, waiting until it accepts clients.
   *
   * @param overrides broker settings applied on top of {@link #defaultBrokerSettings()}
   */
  public static EmbeddedKafka start(Map<String, String> overrides) {
    return start(overrides, null);
  }

  /** Name of the client listener of {@link #startWithScramListener()}. */
  public static final String SCRAM_LISTENER = "SCRAM";

  /**
   * A broker with a second client listener, {@value #SCRAM_LISTENER}: SASL_PLAINTEXT with
   * SCRAM-SHA-512 (see {@link #scramBootstrapServers()}); users are created through the Admin API
   * on the plaintext listener, which the broker also uses for itself.
   */
  public static EmbeddedKafka startWithScramListener() {
    return start(Map.of(), "SASL_PLAINTEXT");
  }

  /**
   * Like {@link #startWithScramListener()}, but the {@value #SCRAM_LISTENER} listener is SASL_SSL:
   * SCRAM-SHA-512 over TLS, the broker presenting the (only) key of {@code keystore} (PKCS12,
   * {@code password} for the store and the key). Clients need a truststore that trusts it.
   */
  public static EmbeddedKafka startWithScramTlsListener(Path keystore, String password) {
    String name = "listener.name." + SCRAM_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    return start(
        Map.of(
            name + "ssl.keystore.location",
            keystore.toAbsolutePath().toString(),
            name + "ssl.keystore.type",
            "PKCS12",
            name + "ssl.keystore.password",
            password,
            name + "ssl.key.password",
            password),
        "SASL_SSL");
  }

  private static EmbeddedKafka start(Map<String, String> overrides, String scram) {
    long t0 = System.nanoTime();
    Path dataDir = createDataDir();
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBaseDirectory(dataDir)
              // The kit defaults to the newest unstable metadata version; clients must meet a
              // released one.
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      cluster = build(nodes, overrides, scram, 0, 0);
      LoopbackOnly.releasePreboundSockets(cluster, java.util.Set.of());
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(
          cluster, nodes, overrides, scram, dataDir, Duration.ofNanos(System.nanoTime() - t0));
    } catch (Exception e) {
      closeAfterFailedStart(cluster, dataDir, e);
      throw new IllegalStateException(
          "Could not start the embedded Kafka broker in " + dataDir + ": " + e, e);
    }
  }

  /**
   * The test kit for {@code nodes}; client listeners on {@code brokerPort} and {@code scramPort}
   * (0: any free port), the SCRAM listener with protocol {@code scram} (null: none). The data
   * directory outlives the kit, so that a restart finds its logs.
   */
  private static KafkaClusterTestKit build(
      TestKitNodes nodes,
      Map<String, String> overrides,
      String scram,
      int brokerPort,
      int scramPort)
      throws Exception {
    KafkaClusterTestKit.Builder builder =
        new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(false);
    // Clients must be told 127.0.0.1, not "localhost", so that an IPv6 ::1 lookup cannot miss the
    // broker.
    String broker = nodes.brokerListenerName().value();
    String controller = nodes.controllerListenerName().value();
    builder.setConfigProp(
        "listeners",
        broker
            + "://127.0.0.1:"
            + brokerPort
            + ","
            + controller
            + "://127.0.0.1:0"
            + (scram != null ? "," + SCRAM_LISTENER + "://127.0.0.1:" + scramPort : ""));
    if (scram != null) {
      String name = "listener.name." + SCRAM_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
      builder.setConfigProp(
          "listener.security.protocol.map",
          broker + ":PLAINTEXT," + controller + ":PLAINTEXT," + SCRAM_LISTENER + ":" + scram);
      builder.setConfigProp("sasl.enabled.mechanisms", "SCRAM-SHA-512");
      builder.setConfigProp(name + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
      builder.setConfigProp(
          name + "scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
    defaultBrokerSettings().forEach(builder::setConfigProp);
    overrides.forEach(builder::setConfigProp);
    return builder.build();
  }

  /**
   * Stops the broker (a clean shutdown: controller and broker, every client connection dropped),
   * keeping its logs, metadata and ports for {@link #start()}; does nothing when stopped.
   */
  public synchronized void stop() {
    if (cluster == null || closed) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("The embedded Kafka broker did not stop cleanly: " + e, e);
    } finally {
      cluster = null;
    }
  }

  /**
   * Starts a stopped broker again on the same client ports and data directory, without reformatting
   * (topics, committed offsets and open transactions are as it left them), and waits until it
   * accepts clients.
   *
   * @return the time from the call until the broker accepted clients
   */
  public synchronized Duration startAgain() {
    if (closed) {
      throw new IllegalStateException("the embedded Kafka broker is closed");
    }
    if (cluster != null) {
      return Duration.ZERO;
    }
    long t0 = System.nanoTime();
    KafkaClusterTestKit next = null;
    try {
      next = build(nodes, overrides, scramProtocol, brokerPort, scramPort);
      // the kit reserved fresh ports for the client listeners; they must bind the old ones
      java.util.Set<String> fixed = new java.util.HashSet<>();
      fixed.add(nodes.brokerListenerName().value());
      if (scramProtocol != null) {
        fixed.add(SCRAM_LISTENER);
      }
      LoopbackOnly.releasePreboundSockets(next, fixed);
      next.startup();
      next.waitForReadyBrokers();
      cluster = next;
      return Duration.ofNanos(System.nanoTime() - t0);
    } catch (Exception e) {
      if (next != null) {
        try {
          next.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new IllegalStateException(
          "Could not start the embedded Kafka broker again in " + dataDir + ": " + e, e);
    }
  }

  /** {@link #stop()}, then {@link #startAgain()} after {@code down}; returns the start time. */
  public Duration restart(Duration down) throws InterruptedException {
    stop();
    Thread.sleep(down.toMillis());
    return startAgain();
  }

  /**
   * The broker settings that let a single node serve exactly-once sinks and 64 MiB model messages.
   */
  public static Map<String, String> defaultBrokerSettings() {
    return Map.ofEntries(
        // Internal topics default to replication factor 3, which one node can never satisfy.
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "4"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "4"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("default.replication.factor", "1"),
        Map.entry("min.insync.replicas", "1"),
        // Flink's KafkaSink asks for a one-hour transaction timeout; the broker's 15-minute cap
        // rejects it.
        Map.entry("transaction.max.timeout.ms", "3600000"),
        Map.entry("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES)),
        Map.entry("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES)),
        // Topics are created explicitly by Topics.createAll; a typo must fail, not create a new
        // topic.
        Map.entry("auto.create.topics.enable", "false"),
        // A single consumer per group in tests and the demo: do not wait 3 s for more members.
        Map.entry("group.initial.rebalance.delay.ms", "0"));
  }

  /** The address clients connect to, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The SASL_PLAINTEXT (SCRAM-SHA-512) listener's address, {@code 127.0.0.1:<port>}.
   *
   * @throws IllegalStateException if the broker was not started by {@link
   *     #startWithScramListener()}
   */
  public String scramBootstrapServers() {
    if (scramProtocol == null) {
      throw new IllegalStateException("this broker has no " + SCRAM_LISTENER + " listener");
    }
    return "127.0.0.1:" + scramPort;
  }

  /** Wall time from the call to {@link #start} until the broker accepted clients. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The temporary directory holding the broker's logs and metadata (removed on close). */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and removes its data directory; calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // close() runs from the hook itself during JVM shutdown; nothing to remove then.
    }
    try {
      if (cluster != null) {
        cluster.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("The embedded Kafka broker did not stop cleanly: " + e, e);
    } finally {
      cluster = null;
      deleteQuietly(dataDir);
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("embedded Kafka: " + e.getMessage());
    }
  }

  private static int brokerPort(KafkaClusterTestKit cluster) {
    return boundPort(cluster, cluster.nodes().brokerListenerName().value());
  }

  private static int boundPort(KafkaClusterTestKit cluster, String listener) {
    BrokerServer broker = cluster.brokers().values().iterator().next();
    return broker.boundPort(ListenerName.normalised(listener));
  }

  private static Path createDataDir() {
    try {
      return Files.createTempDirectory("tft-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not create a temporary directory for the embedded Kafka broker", e);
    }
  }

  private static void closeAfterFailedStart(
      KafkaClusterTestKit cluster, Path dataDir, Exception cause) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        cause.addSuppressed(e);
      }
    }
    deleteQuietly(dataDir);
  }

  private static void deleteQuietly(Path dir) {
    try {
      Utils.delete(Objects.requireNonNull(dir).toFile());
    } catch (IOException e) {
      System.err.println("embedded Kafka: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
