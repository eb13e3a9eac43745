package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.KafkaTestClients;
import org.tftflink.job.kafka.Topics;
import org.tftflink.operators.ingest.RouteDeadLetters;

/**
 * The job against a broker whose client listener is SASL_SSL (SCRAM-SHA-512 over TLS, a self-signed
 * certificate for 127.0.0.1 made with the JDK's keytool): with the truststore and the credentials
 * in a client properties file, every client of the job connects, with hostname verification on, and
 * the job forecasts and dead-letters; a client that does not trust the broker's certificate fails,
 * naming the TLS handshake.
 */
class KafkaTlsEndToEndTest {

  private static final long STEP = 300_000;
  private static final long T0 = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
  private static final int STEPS = 30;
  private static final String PASSWORD = "tls-test-secret";

  @TempDir static Path stateDir;
  @TempDir static Path certs;

  @RegisterExtension
  static final MiniClusterExtension FLINK = RocksDbMiniCluster.extension(() -> stateDir);

  private static EmbeddedKafka kafka;
  private static Path truststore;
  private static Path otherTruststore;

  @BeforeAll
  static void brokerWithTlsAndScramUser() throws Exception {
    Path keystore = certs.resolve("broker.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path cert = certs.resolve("broker.crt");
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        cert.toString());
    truststore = certs.resolve("trust.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        PASSWORD);
    // a truststore with another certificate: the broker's is not in it
    Path other = certs.resolve("other.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        other.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path otherCert = certs.resolve("other.crt");
    keytool(
        "-exportcert",
        "-alias",
        "other",
        "-keystore",
        other.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        otherCert.toString());
    otherTruststore = certs.resolve("other-trust.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "other",
        "-file",
        otherCert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        otherTruststore.toString(),
        "-storepass",
        PASSWORD);

    kafka = EmbeddedKafka.startWithScramTlsListener(keystore, PASSWORD);
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
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldForecastAndDeadLetterThroughASaslSslListener(@TempDir Path dir) throws Exception {
    Topics.Names names = Topics.Names.prefixed("tls");
    Topics.createAll(kafka.bootstrapServers(), names);
    SecuredKafkaJobs.produceOneHost(kafka, names.metrics(), T0, STEP, STEPS);

    JobExecutionResult result =
        SecuredKafkaJobs.runBounded(
                kafka.scramBootstrapServers(),
                settings(names, dir, truststore),
                Duration.ofMinutes(3),
                "tls")
            .get();

    assertThat(result.<Long>getAccumulatorResult(RouteDeadLetters.EVENTS_IN)).isEqualTo(STEPS + 1);
    // read back over the plaintext listener
    assertThat(TopicReader.readAll(kafka.bootstrapServers(), names.metricsDlq())).hasSize(1);
    assertThat(TopicReader.readAll(kafka.bootstrapServers(), names.forecasts()))
        .hasSize(STEPS - 11);
  }

  @Test
  void shouldFailNamingTheHandshakeWhenTheBrokerIsNotTrusted(@TempDir Path dir) throws Exception {
    Topics.Names names = Topics.Names.prefixed("tls-untrusted");
    Topics.createAll(kafka.bootstrapServers(), names);
    SecuredKafkaJobs.produceOneHost(kafka, names.metrics(), T0, STEP, STEPS);

    ExecutionException failure =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () ->
                SecuredKafkaJobs.runBounded(
                        kafka.scramBootstrapServers(),
                        settings(names, dir, otherTruststore),
                        Duration.ofMinutes(2),
                        "tls")
                    .get(),
            ExecutionException.class);

    assertThat(failure).isNotNull();
    assertThat(ExceptionUtils.findThrowable(failure, SslAuthenticationException.class)).isPresent();
  }

  private static Settings settings(Topics.Names names, Path dir, Path trust) throws Exception {
    // secrets in a client properties file, as a deployment would mount it
    Path properties = dir.resolve("client.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"tft-job\" password=\"right-password\";",
            "ssl.truststore.location=" + trust,
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.password=" + PASSWORD,
            ""));
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, names.metrics())
        .with(Options.TOPIC_FORECASTS, names.forecasts())
        .with(Options.TOPIC_DLQ, names.metricsDlq())
        .with(Options.TOPIC_MODELS, names.models())
        .with(Options.GROUP_ID, names.metrics())
        .with(Options.KAFKA_CLIENT_PROPERTIES_FILE, properties.toString())
        // hostname verification on (Kafka's default), spelled out: the certificate names 127.0.0.1
        .with("kafka.client.ssl.endpoint.identification.algorithm", "https");
  }

  /** Runs the JDK's keytool (the one of the running JVM) and fails with its output if it fails. */
  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
