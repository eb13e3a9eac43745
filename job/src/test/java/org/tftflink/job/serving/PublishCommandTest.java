package org.tftflink.job.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.CliAccess;
import org.tftflink.job.TopicReaderAccess;
import org.tftflink.job.cli.PublishCommand;
import org.tftflink.job.kafka.SharedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * {@code ./tft publish}: a saved envelope reaches the model topic, committed, under the asked
 * lineage.
 */
@ExtendWith(SharedKafka.class)
class PublishCommandTest {

  @Test
  void shouldPublishACommittedEnvelopeUnderTheGivenEpochAndVersion(@TempDir Path dir)
      throws Exception {
    String bootstrap = SharedKafka.broker().bootstrapServers();
    Topics.createAll(bootstrap, Topics.Names.prefixed("pub"));
    Path file = dir.resolve("model.tft");
    Files.write(file, TinyModels.envelope(TinyModels.config(3, 8), 1, 1));

    int exit =
        CliAccess.call(
            new PublishCommand(),
            List.of(
                "--model",
                file.toString(),
                "--bootstrap",
                bootstrap,
                "--epoch",
                "7",
                "--version",
                "9",
                "--set",
                "topic.models=pub-models"));

    assertThat(exit).isZero();
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReaderAccess.readAtLeast(bootstrap, "pub-models", 1);
    assertThat(records).hasSize(1);
    ModelData published = ModelDataSerializer.deserialize(records.get(0).value());
    assertThat(published.modelVersion()).isEqualTo(9);
    assertThat(published.epoch()).isEqualTo(7);
    assertThat(published.weights())
        .isEqualTo(ModelDataSerializer.deserialize(Files.readAllBytes(file)).weights());
  }

  @Test
  void shouldSignThePublishedMessageWithTheKeyOfTheKeyFile(@TempDir Path dir) throws Exception {
    String bootstrap = SharedKafka.broker().bootstrapServers();
    Topics.createAll(bootstrap, Topics.Names.prefixed("pubsig"));
    Path file = dir.resolve("model.tft");
    Files.write(file, TinyModels.envelope(TinyModels.config(3, 8), 1, 1));
    byte[] key = "s".repeat(40).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path keyFile = dir.resolve("signing.key");
    Files.write(keyFile, key);

    int exit =
        CliAccess.call(
            new PublishCommand(),
            List.of(
                "--model",
                file.toString(),
                "--bootstrap",
                bootstrap,
                "--set",
                "topic.models=pubsig-models",
                "--set",
                "serving.signing_key_file=" + keyFile));

    assertThat(exit).isZero();
    byte[] message = TopicReaderAccess.readAtLeast(bootstrap, "pubsig-models", 1).get(0).value();
    assertThat(org.tftflink.model.tft.envelope.ModelSignature.isSigned(message)).isTrue();
    byte[] envelope = org.tftflink.model.tft.envelope.ModelSignature.verified(message, key);
    assertThat(ModelDataSerializer.deserialize(envelope).modelVersion()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                org.tftflink.model.tft.envelope.ModelSignature.verified(
                    message, "w".repeat(40).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessageContaining("does not verify");
  }

  @Test
  void shouldRefuseAFileThatIsNotAnIntactEnvelope(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.tft");
    byte[] blob = TinyModels.envelope(TinyModels.config(3, 8), 1, 1);
    blob[blob.length / 2] ^= 1;
    Files.write(file, blob);

    assertThatThrownBy(
            () ->
                CliAccess.call(
                    new PublishCommand(),
                    List.of("--model", file.toString(), "--bootstrap", "127.0.0.1:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an intact model envelope");
  }
}
