package org.tftflink.job.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.control.ControlChannel;
import org.tftflink.job.kafka.KafkaClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./tft control}: one command to the running online trainer, and its answer from the audit
 * topic.
 */
@Command(
    name = "control",
    sortOptions = false,
    description =
        "send a command to the running online trainer (rollback N, pin N, unpin, pause, ...)",
    customSynopsis =
        "./tft control --command 'rollback 3' [--bootstrap HOST:PORT] [--wait SECONDS] [--set"
            + " key=value ...]",
    footer = {
      "",
      "The job's topics: --set topic.control=NAME --set topic.model_events=NAME.",
      "Prints the answer (command_applied or command_rejected, and what followed) from",
      "topic.model_events; exits 0 when applied, 1 when rejected, 2 when no answer came.",
      "Kafka security: --set kafka.client_properties_file=FILE (or kafka.client.<setting>=...)"
    })
public final class ControlCommand implements Callable<Integer> {

  @Option(
      names = "--command",
      required = true,
      paramLabel = "LINE",
      description = {
        "rollback N | pin N | unpin | pause | resume | update-now, e.g. --command 'rollback 3'",
        "rollback N: serve the weights of version N again, as a new version",
        "pin N: serve version N and promote nothing until unpin",
        "pause / resume: stop and restart updates; update-now: update at once"
      })
  String line;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: the option kafka.bootstrap)")
  String bootstrap;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "how long to wait for the trainer's answer (default: ${DEFAULT-VALUE}; 0: do not wait)")
  double waitSeconds;

  @Mixin JobOptions job = new JobOptions();

  @Override
  public Integer call() throws Exception {
    Settings settings = job.settings(Settings.defaults());
    String bootstrap = this.bootstrap != null ? this.bootstrap : settings.get(Options.BOOTSTRAP);
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "--bootstrap HOST:PORT (or --set kafka.bootstrap=...) is required");
    }
    Duration wait = Duration.ofMillis((long) (waitSeconds * 1000));
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
