package org.tftflink.job.chaos;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.tftflink.job.ForecastJob;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;

/**
 * The real job of a scenario ({@link KafkaPipeline}'s sources and exactly-once sinks, unbounded),
 * and the wait for it to have consumed and checkpointed every input message.
 */
public final class ChaosJob {

  private ChaosJob() {}

  /** The job's settings on {@code names}, with its own consumer group. */
  public static Settings settings(Topics.Names names, String group) {
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, names.metrics())
        .with(Options.TOPIC_FORECASTS, names.forecasts())
        .with(Options.TOPIC_DLQ, names.metricsDlq())
        .with(Options.TOPIC_MODELS, names.models())
        .with(Options.GROUP_ID, group);
  }

  /** The unbounded job on Kafka; the scenario ends it with a drain. */
  public static ForecastJob create(Settings settings, String bootstrap) {
    return KafkaPipeline.create(settings, bootstrap, false);
  }

  /**
   * Waits until the job's consumer group has committed the end offset of every partition of {@code
   * topic}: the source commits on checkpoint completion, so every message is then processed and
   * covered by a completed checkpoint, across any restarts.
   */
  public static void awaitConsumed(String bootstrap, String topic, String group, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      while (true) {
        Map<TopicPartition, Long> end = endOffsets(admin, topic);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
          committed =
              admin
                  .listConsumerGroupOffsets(group)
                  .partitionsToOffsetAndMetadata()
                  .get(10, TimeUnit.SECONDS);
        } catch (Exception brokerAway) {
          committed = Map.of();
        }
        boolean done = true;
        for (var e : end.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          done &= e.getValue() == 0 || (c != null && c.offset() >= e.getValue());
        }
        if (done) {
          ChaosSuite.timing("consumed");
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the job did not consume "
                  + topic
                  + " within "
                  + max
                  + ": end "
                  + end
                  + ", committed "
                  + committed);
        }
        Thread.sleep(250);
      }
    }
  }

  /** The bundled TFT envelope ({@code models/nab-small.tft}: encoder 48 steps, hidden 8). */
  public static byte[] bundledModel() throws java.io.IOException {
    try (var in = ChaosJob.class.getResourceAsStream("/models/nab-small.tft")) {
      if (in == null) {
        throw new IllegalStateException("the bundled model /models/nab-small.tft is missing");
      }
      return in.readAllBytes();
    }
  }

  /**
   * Publishes the bundled TFT on {@code topic} and waits until {@code subtasks} inference subtasks
   * serve it, so that the events that follow get TFT forecasts (batched) once warm.
   */
  public static void publishBundledModel(
      ChaosCluster flink, String bootstrap, String topic, int subtasks) throws Exception {
    org.tftflink.job.serving.ModelPublisher.publish(bootstrap, topic, bundledModel());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Long n =
          flink.accumulators().get(org.tftflink.operators.serving.ServingMetrics.MODELS_ACCEPTED);
      if (n != null && n >= subtasks) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the job did not accept the bundled model within 60 s");
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    var parts =
        admin
            .describeTopics(java.util.List.of(topic))
            .allTopicNames()
            .get(10, TimeUnit.SECONDS)
            .get(topic)
            .partitions();
    Map<TopicPartition, OffsetSpec> want = new java.util.HashMap<>();
    for (var p : parts) {
      want.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new java.util.HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
        admin.listOffsets(want).all().get(10, TimeUnit.SECONDS).entrySet()) {
      out.put(e.getKey(), e.getValue().offset());
    }
    return out;
  }
}
