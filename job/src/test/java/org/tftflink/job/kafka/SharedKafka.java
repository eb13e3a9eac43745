package org.tftflink.job.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts one {@link EmbeddedKafka} for the whole test run and stops it
 * when the run ends, so that test classes share the broker's start-up cost; tests use their own
 * topics.
 */
public final class SharedKafka implements BeforeAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedKafka.class);
  private static volatile EmbeddedKafka current;

  /**
   * The broker started for this run; the test class must be annotated
   * {@code @ExtendWith(SharedKafka.class)}.
   */
  public static EmbeddedKafka broker() {
    if (current == null) {
      throw new IllegalStateException(
          "Annotate the test class with @ExtendWith(SharedKafka.class)");
    }
    return current;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // The root store closes its resources once, after the last test of the run.
    current =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                "broker", key -> new Resource(EmbeddedKafka.start()), Resource.class)
            .kafka();
  }

  private record Resource(EmbeddedKafka kafka)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    Resource {
      System.out.println(
          "embedded Kafka started in "
              + kafka.startupTime().toMillis()
              + " ms at "
              + kafka.bootstrapServers());
    }

    @Override
    public void close() {
      kafka.close();
    }
  }
}
