package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tftflink.job.config.ModelSigningKey;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.KafkaClients;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ModelSignature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tft publish}: puts a saved model envelope on the model topic, exactly once. */
@Command(
    name = "publish",
    sortOptions = false,
    description =
        "publish a saved TFT model (.tft envelope) on the tft-models topic (transactional)",
    customSynopsis =
        "./tft publish --model FILE [--bootstrap HOST:PORT] [--epoch N] [--version N] [--set"
            + " key=value ...]",
    footer = {
      "",
      "The model topic: --set topic.models=NAME (default tft-models).",
      "The message is signed (HMAC-SHA256) when a key is configured: the file of",
      "serving.signing_key_file or the environment variable " + ModelSigningKey.ENV + ".",
      "Kafka security: --set kafka.client_properties_file=FILE (or kafka.client.<setting>=...)"
    })
public final class PublishCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      description = "a model envelope (e.g. from ./tft train or ./tft train-model)")
  Path file;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: the option kafka.bootstrap)")
  String bootstrap;

  @Option(
      names = "--epoch",
      paramLabel = "N",
      description = "publish under this epoch instead of the file's")
  Long epoch;

  @Option(
      names = "--version",
      paramLabel = "N",
      description = "publish as this version instead of the file's")
  Long version;

  @Mixin JobOptions job = new JobOptions();

  @Override
  public Integer call() throws Exception {
    Settings settings = job.settings(Settings.defaults());
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("--model " + file + " is not a readable file");
    }
    String bootstrap = this.bootstrap != null ? this.bootstrap : settings.get(Options.BOOTSTRAP);
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "--bootstrap HOST:PORT (or --set kafka.bootstrap=...) is required");
    }
    ModelData model;
    try {
      model = ModelDataSerializer.deserialize(Files.readAllBytes(file));
    } catch (InvalidModelDataException e) {
      throw new IllegalArgumentException(
          file + " is not an intact model envelope: " + e.getMessage(), e);
    }
    long version = this.version != null ? this.version : model.modelVersion();
    long epoch = this.epoch != null ? this.epoch : model.epoch();
    String topic = settings.get(Options.TOPIC_MODELS);
    byte[] envelope = ModelPublisher.relabel(model, version, epoch);
    Optional<byte[]> key = ModelSigningKey.load(settings);
    if (key.isPresent()) {
      envelope = ModelSignature.sign(envelope, key.get());
    }
    long offset =
        ModelPublisher.publish(KafkaClients.withBootstrap(settings, bootstrap), topic, envelope);
    System.out.printf(
        "tft publish: model version %d (epoch %d; hidden %d, encoder %d, horizon %d; %s) committed"
            + " to %s at offset %d%n",
        version,
        epoch,
        model.config().hiddenSize(),
        model.config().encoderLength(),
        model.config().horizon(),
        key.isPresent() ? "signed" : "unsigned",
        topic,
        offset);
    return 0;
  }
}
