package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tftflink.job.config.ModelSigningKey;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.KafkaClients;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ModelSignature;

/** {@code ./tft publish}: puts a saved model envelope on the model topic, exactly once. */
public final class PublishCommand implements Command {

  @Override
  public String name() {
    return "publish";
  }

  @Override
  public String summary() {
    return "publish a saved TFT model (.tft envelope) on the tft-models topic (transactional)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft publish --model FILE [--bootstrap HOST:PORT] [--epoch N] [--version N]",
        "  --model FILE        a model envelope (e.g. from ./tft train-model)",
        "  --bootstrap H:P     Kafka bootstrap servers (default: the option kafka.bootstrap)",
        "  --epoch N           publish under this epoch instead of the file's",
        "  --version N         publish as this version instead of the file's",
        "  --set topic.models=NAME   the model topic (default tft-models)",
        "The message is signed (HMAC-SHA256) when a key is configured: the file of",
        "serving.signing_key_file or the environment variable " + ModelSigningKey.ENV + ".",
        "Kafka security: --set kafka.client_properties_file=FILE (or kafka.client.<setting>=...)");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Args args = Args.parse(argv, Set.of("model", "bootstrap", "epoch", "version"), Set.of());
    Settings settings = args.settings(Settings.defaults());
    Path file = args.path("model");
    if (file == null || !Files.isReadable(file)) {
      throw new IllegalArgumentException("--model FILE is required and must be a readable file");
    }
    String bootstrap = args.get("bootstrap", settings.get(Options.BOOTSTRAP));
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
    long version = (long) args.number("version", model.modelVersion());
    long epoch = (long) args.number("epoch", model.epoch());
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
