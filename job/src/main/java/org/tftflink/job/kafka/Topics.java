package org.tftflink.job.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The job's Kafka topics: their default names, partition counts and settings, and an idempotent way
 * to create them.
 */
public final class Topics {

  public static final String METRICS = "metrics";
  public static final String METRICS_DLQ = "metrics-dlq";
  public static final String FORECASTS = "forecasts";
  public static final String MODELS = "tft-models";
  public static final String MODEL_EVENTS = "tft-model-events";
  public static final String CONTROL = "tft-control";

  /**
   * Metric events are keyed by host; four partitions let four inference subtasks read in parallel.
   */
  public static final int METRICS_PARTITIONS = 4;

  public static final int METRICS_DLQ_PARTITIONS = 1;
  public static final int FORECASTS_PARTITIONS = 4;

  /** One partition: model versions must be read in the order they were published. */
  public static final int MODELS_PARTITIONS = 1;

  public static final int MODEL_EVENTS_PARTITIONS = 1;
  public static final int CONTROL_PARTITIONS = 1;

  /** Largest model message (batch) the {@code tft-models} topic accepts. */
  public static final int MODEL_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** Models are kept 30 days, so that a restarted job still finds the versions it published. */
  public static final Duration MODEL_RETENTION = Duration.ofDays(30);

  private static final long CREATE_TIMEOUT_SECONDS = 60;

  private Topics() {}

  /** The topic names the job uses; immutable, every name non-blank and distinct. */
  public record Names(
      String metrics,
      String metricsDlq,
      String forecasts,
      String models,
      String modelEvents,
      String control) {

    public Names {
      List<String> all =
          List.of(
              requireName("metrics", metrics),
              requireName("metricsDlq", metricsDlq),
              requireName("forecasts", forecasts),
              requireName("models", models),
              requireName("modelEvents", modelEvents),
              requireName("control", control));
      if (Set.copyOf(all).size() != all.size()) {
        throw new IllegalArgumentException("Topic names must be distinct, got " + all);
      }
    }

    /**
     * The default names: metrics, metrics-dlq, forecasts, tft-models, tft-model-events,
     * tft-control.
     */
    public static Names defaults() {
      return new Names(METRICS, METRICS_DLQ, FORECASTS, MODELS, MODEL_EVENTS, CONTROL);
    }

    /**
     * Every name from one prefix: {@code <p>-metrics}, {@code <p>-dlq}, {@code <p>-forecasts},
     * {@code <p>-models}, {@code <p>-model-events}, {@code <p>-control} (tests and benchmarks that
     * share a broker).
     */
    public static Names prefixed(String prefix) {
      return new Names(
          prefix + "-metrics",
          prefix + "-dlq",
          prefix + "-forecasts",
          prefix + "-models",
          prefix + "-model-events",
          prefix + "-control");
    }

    public Names withMetrics(String name) {
      return new Names(name, metricsDlq, forecasts, models, modelEvents, control);
    }

    public Names withMetricsDlq(String name) {
      return new Names(metrics, name, forecasts, models, modelEvents, control);
    }

    public Names withForecasts(String name) {
      return new Names(metrics, metricsDlq, name, models, modelEvents, control);
    }

    public Names withModels(String name) {
      return new Names(metrics, metricsDlq, forecasts, name, modelEvents, control);
    }

    public Names withModelEvents(String name) {
      return new Names(metrics, metricsDlq, forecasts, models, name, control);
    }

    public Names withControl(String name) {
      return new Names(metrics, metricsDlq, forecasts, models, modelEvents, name);
    }

    private static String requireName(String field, String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("Topic name '" + field + "' must not be blank");
      }
      return name;
    }
  }

  /**
   * The topics to create, with partitions and settings; the replication factor is left to the
   * broker's {@code default.replication.factor} so that the same call suits one node and a cluster.
   */
  public static List<NewTopic> newTopics(Names names) {
    List<NewTopic> topics = new ArrayList<>();
    topics.add(topic(names.metrics(), METRICS_PARTITIONS, Map.of()));
    topics.add(topic(names.metricsDlq(), METRICS_DLQ_PARTITIONS, Map.of()));
    topics.add(topic(names.forecasts(), FORECASTS_PARTITIONS, Map.of()));
    topics.add(
        topic(
            names.models(),
            MODELS_PARTITIONS,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MODEL_MAX_MESSAGE_BYTES),
                // Never compact: every version is an audit record, keyed or not.
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(MODEL_RETENTION.toMillis()))));
    topics.add(topic(names.modelEvents(), MODEL_EVENTS_PARTITIONS, Map.of()));
    topics.add(topic(names.control(), CONTROL_PARTITIONS, Map.of()));
    return List.copyOf(topics);
  }

  /** {@link #createAll(Admin, Names)} through an admin client of its own. */
  public static Set<String> createAll(String bootstrap, Names names) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return createAll(admin, names);
    }
  }

  /** Creates the topics with the default names; see {@link #createAll(Admin, Names)}. */
  public static Set<String> createAll(Admin admin) {
    return createAll(admin, Names.defaults());
  }

  /**
   * Creates every topic that does not exist yet and waits until the broker serves all of them;
   * existing topics are left as they are (their partitions and settings are not checked).
   *
   * @return the names of the topics this call created
   */
  public static Set<String> createAll(Admin admin, Names names) {
    Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics(names)).values();
    Set<String> created = new LinkedHashSet<>();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        result.getValue().get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(result.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "Could not create topic '" + result.getKey() + "': " + e.getCause(), e);
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "Creating topic '"
                + result.getKey()
                + "' took more than "
                + CREATE_TIMEOUT_SECONDS
                + " s; is the broker reachable?",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "Interrupted while creating topic '" + result.getKey() + "'", e);
      }
    }
    awaitVisible(admin, results.keySet());
    return Set.copyOf(created);
  }

  // The controller acknowledges a creation before every broker's metadata cache knows the topic;
  // a client that describes or fetches in between gets UNKNOWN_TOPIC_OR_PARTITION.
  private static void awaitVisible(Admin admin, Set<String> topics) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CREATE_TIMEOUT_SECONDS);
    while (true) {
      try {
        var described =
            admin
                .describeTopics(topics)
                .allTopicNames()
                .get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        boolean led =
            described.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (led) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Topics " + topics + " have partitions without a leader");
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Topics " + topics + " are not visible after creation: " + e.getCause(), e);
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "Describing topics "
                + topics
                + " took more than "
                + CREATE_TIMEOUT_SECONDS
                + " s; is the broker reachable?",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for topics " + topics, e);
      }
      sleepBriefly();
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for new topics", e);
    }
  }

  /** Producer settings that let a 64 MiB model message through (request size and buffer memory). */
  public static Map<String, Object> modelProducerSettings() {
    return Map.of(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        MODEL_MAX_MESSAGE_BYTES,
        // The whole record must fit in the producer's buffer, whose default (32 MiB) is too small.
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        2L * MODEL_MAX_MESSAGE_BYTES);
  }

  /** Consumer settings that fetch a 64 MiB model message in one go. */
  public static Map<String, Object> modelConsumerSettings() {
    return Map.of(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MODEL_MAX_MESSAGE_BYTES,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MODEL_MAX_MESSAGE_BYTES);
  }

  private static NewTopic topic(String name, int partitions, Map<String, String> configs) {
    return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
  }
}
