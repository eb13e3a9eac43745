package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.KafkaClients;
import org.tftflink.job.kafka.KafkaTestClients;
import org.tftflink.job.kafka.Topics;
import org.tftflink.operators.ingest.RouteDeadLetters;

/**
 * The job against a broker whose client listener requires SASL_PLAINTEXT with SCRAM-SHA-512: with
 * the credentials in a client properties file and kafka.client.* options, every client of the job
 * (metrics and model sources, forecast and dead-letter sinks) connects, the job forecasts and
 * dead-letters; with a wrong password it fails, naming the authentication failure.
 */
class KafkaSecurityEndToEndTest {

  private static final long STEP = 300_000;
  private static final long T0 = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
  private static final int STEPS = 30;

  @TempDir static Path stateDir;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void brokerWithScramUser() throws Exception {
    kafka = EmbeddedKafka.startWithScramListener();
    try (Admin admin = KafkaTestClients.admin(kafka)) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      "tft-job",
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                      "right-password")))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void shouldForecastAndDeadLetterThroughASaslScramListener(@TempDir Path dir) throws Exception {
    Topics.Names names = Topics.Names.prefixed("sasl");
    Topics.createAll(kafka.bootstrapServers(), names);
    SecuredKafkaJobs.produceOneHost(kafka, names.metrics(), T0, STEP, STEPS);

    JobExecutionResult result =
        SecuredKafkaJobs.runBounded(
                kafka.scramBootstrapServers(),
                settings(names, dir, "right-password"),
                Duration.ofMinutes(3),
                "sasl")
            .get();

    assertThat(result.<Long>getAccumulatorResult(RouteDeadLetters.EVENTS_IN)).isEqualTo(STEPS + 1);
    // read back over the plaintext listener
    assertThat(TopicReader.readAll(kafka.bootstrapServers(), names.metricsDlq())).hasSize(1);
    assertThat(TopicReader.readAll(kafka.bootstrapServers(), names.forecasts()))
        .hasSize(STEPS - 11);
  }

  @Test
  void shouldFailNamingTheAuthenticationErrorWithAWrongPassword(@TempDir Path dir)
      throws Exception {
    Topics.Names names = Topics.Names.prefixed("sasl-wrong");
    Topics.createAll(kafka.bootstrapServers(), names);
    SecuredKafkaJobs.produceOneHost(kafka, names.metrics(), T0, STEP, STEPS);

    ExecutionException failure =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () ->
                SecuredKafkaJobs.runBounded(
                        kafka.scramBootstrapServers(),
                        settings(names, dir, "wrong-password"),
                        Duration.ofMinutes(2),
                        "sasl")
                    .get(),
            ExecutionException.class);

    assertThat(failure).isNotNull();
    assertThat(ExceptionUtils.findThrowable(failure, SaslAuthenticationException.class))
        .hasValueSatisfying(
            e -> assertThat(e.getMessage()).contains("invalid credentials", "SCRAM-SHA-512"));
  }

  private static Settings settings(Topics.Names names, Path dir, String password) throws Exception {
    // the secret in a properties file (not on a command line), the rest as kafka.client.* options
    Path properties = dir.resolve("client.properties");
    Files.writeString(
        properties,
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"tft-job\" password=\""
            + password
            + "\";\n");
    Settings s =
        Settings.defaults()
            .with(Options.TOPIC_METRICS, names.metrics())
            .with(Options.TOPIC_FORECASTS, names.forecasts())
            .with(Options.TOPIC_DLQ, names.metricsDlq())
            .with(Options.TOPIC_MODELS, names.models())
            .with(Options.GROUP_ID, names.metrics())
            .with(Options.KAFKA_CLIENT_PROPERTIES_FILE, properties.toString())
            .with("kafka.client.security.protocol", "SASL_PLAINTEXT")
            .with("kafka.client.sasl.mechanism", "SCRAM-SHA-512");
    assertThat(KafkaClients.settings(s))
        .containsKeys("sasl.jaas.config", "security.protocol", "sasl.mechanism");
    return s;
  }
}
