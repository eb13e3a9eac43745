package org.tftflink.job;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.KafkaTestClients;

/** The job and its input for the Kafka security tests (SASL, TLS): one host, one bad line. */
final class SecuredKafkaJobs {

  private SecuredKafkaJobs() {}

  /** Runs the bounded job on {@code bootstrap}, restarts disabled; its result within timeout. */
  static Future<JobExecutionResult> runBounded(
      String bootstrap, Settings settings, Duration timeout, String name) throws Exception {
    Configuration noRestart = new Configuration();
    noRestart.set(
        RestartStrategyOptions.RESTART_STRATEGY,
        RestartStrategyOptions.RestartStrategyType.NO_RESTART_STRATEGY.getMainValue());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(noRestart);
    env.setParallelism(1);
    env.enableCheckpointing(1_000);
    KafkaPipeline.create(settings, bootstrap, true).build(env);
    JobClient job = env.executeAsync(name);
    return job.getJobExecutionResult()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                job.cancel();
              }
            });
  }

  /** {@code steps} events of host web-1 from {@code t0}, then one line that is not JSON. */
  static void produceOneHost(EmbeddedKafka kafka, String topic, long t0, long step, int steps)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka, Map.of())) {
      for (int i = 0; i < steps; i++) {
        String event =
            String.format(
                "{\"host\":\"web-1\",\"ts\":\"%s\",\"metrics\":{\"cpu\":%d}}",
                Instant.ofEpochMilli(t0 + i * step), 40 + i % 5);
        producer.send(record(topic, event));
      }
      producer.send(record(topic, "not json")).get();
    }
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
    return new ProducerRecord<>(
        topic, "web-1".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }
}
