package org.tftflink.job.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.control.ControlChannel;
import org.tftflink.job.kafka.KafkaClients;

/**
 * {@code ./tft control}: one command to the running online trainer, and its answer from the audit
 * topic.
 */
public final class ControlCommand implements Command {

  @Override
  public String name() {
    return "control";
  }

  @Override
  public String summary() {
    return "send a command to the running online trainer (rollback N, pin N, unpin, pause, ...)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft control --command 'rollback 3' [--bootstrap HOST:PORT] [--wait SECONDS]",
        "  --command LINE     rollback N | pin N | unpin | pause | resume | update-now",
        "                     rollback N: serve the weights of version N again, as a new version",
        "                     pin N: serve version N and promote nothing until unpin",
        "                     pause / resume: stop and restart updates; update-now: update at once",
        "  --bootstrap H:P    Kafka bootstrap servers (default: the option kafka.bootstrap)",
        "  --wait S           how long to wait for the trainer's answer (default 60; 0: do not wait)",
        "  --set topic.control=NAME --set topic.model_events=NAME   the job's topics",
        "Prints the answer (command_applied or command_rejected, and what followed) from",
        "topic.model_events; exits 0 when applied, 1 when rejected, 2 when no answer came.",
        "Kafka security: --set kafka.client_properties_file=FILE (or kafka.client.<setting>=...)");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Args args = Args.parse(argv, Set.of("command", "bootstrap", "wait"), Set.of());
    Settings settings = args.settings(Settings.defaults());
    String line = args.get("command", null);
    if (line == null) {
      throw new IllegalArgumentException("--command LINE is required, e.g. --command 'rollback 3'");
    }
    String bootstrap = args.get("bootstrap", settings.get(Options.BOOTSTRAP));
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "--bootstrap HOST:PORT (or --set kafka.bootstrap=...) is required");
    }
    Duration wait = Duration.ofMillis((long) (args.number("wait", 60) * 1000));
    ControlChannel channel =
        new ControlChannel(
            KafkaClients.withBootstrap(settings, bootstrap),
            settings.get(Options.TOPIC_CONTROL),
            settings.get(Options.TOPIC_MODEL_EVENTS));
    Optional<ControlChannel.Answer> answer = channel.send(line, wait);
    if (wait.isZero()) {
      System.out.println("tft control: sent '" + line.trim() + "'");
      return 0;
    }
    if (answer.isEmpty()) {
      System.out.printf(
          "tft control: sent '%s'; no answer on %s within %d s (is the job running with its"
              + " trainer, on these topics?)%n",
          line.trim(), settings.get(Options.TOPIC_MODEL_EVENTS), wait.toSeconds());
      return 2;
    }
    ControlChannel.Answer a = answer.get();
    System.out.printf(
        "tft control: '%s' %s%n", a.command(), a.applied() ? "applied" : "rejected: " + a.reason());
    a.lines().forEach(l -> System.out.println("  " + l));
    return a.applied() ? 0 : 1;
  }
}
