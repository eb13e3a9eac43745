package org.tftflink.job.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.Topics;

/**
 * What the scenarios of one suite run share: the embedded broker (each scenario on topics of its
 * own prefix) and a working directory for Flink's state.
 */
public final class ChaosContext implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final Path workDir;
  private final AtomicInteger runs = new AtomicInteger();
  private final long started = System.nanoTime();

  private ChaosContext(EmbeddedKafka kafka, Path workDir) {
    this.kafka = kafka;
    this.workDir = workDir;
  }

  /** Starts a broker; state goes under a new temporary directory. */
  public static ChaosContext start() {
    try {
      return new ChaosContext(EmbeddedKafka.start(), Files.createTempDirectory("tft-chaos-"));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the chaos suite's state directory", e);
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public String bootstrap() {
    return kafka.bootstrapServers();
  }

  /** Topics of a fresh prefix ({@code chaos-<scenario>-<n>}), created on the shared broker. */
  public Topics.Names freshTopics(String scenario) {
    Topics.Names names = Topics.Names.prefixed("chaos-" + scenario + "-" + runs.incrementAndGet());
    Topics.createAll(bootstrap(), names);
    return names;
  }

  /** A new, empty directory for one job's checkpoints and RocksDB files. */
  public Path stateDir(String scenario) {
    try {
      return Files.createDirectories(workDir.resolve(scenario + "-" + runs.incrementAndGet()));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create a state directory under " + workDir, e);
    }
  }

  /** Prints a progress line (scenarios take seconds to minutes). */
  public void log(String scenario, String message) {
    System.out.printf("  [%s %4.0fs] %s%n", scenario, (System.nanoTime() - started) / 1e9, message);
  }

  @Override
  public void close() {
    kafka.close();
  }
}
