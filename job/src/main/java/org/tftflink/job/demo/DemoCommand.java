package org.tftflink.job.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.tftflink.job.cli.Choice;
import org.tftflink.job.cli.JobOptions;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./tft demo}: the main job on its embedded default — a real Kafka broker, a local Flink
 * with the web UI, and bundled real data (NAB) replayed through it.
 */
@Command(
    name = "demo",
    sortOptions = false,
    description =
        "run the job on an embedded Kafka + local Flink (web UI on :8081) with bundled NAB data",
    customSynopsis = "./tft demo [OPTIONS]",
    footer = {
      "",
      "Job options (--config FILE, --set key=value): demo.max_restarts=N exits 3 with the root",
      "cause after N job restarts; kafka.client.* and kafka.client_properties_file reach the job's",
      "Kafka clients only: the demo's own clients talk to its plaintext embedded broker.",
      "Ctrl-C or SIGTERM stops the demo within 30 s (with a savepoint when the job is healthy)."
    })
public final class DemoCommand implements Callable<Integer> {

  /** The demo checkpoints often so that exactly-once output shows up within seconds. */
  static final Duration DEMO_CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

  /** A small TFT trained on the first 60% of the bundled NAB data ({@code ./tft train-model}). */
  static final String BUNDLED_MODEL = "/models/nab-small.tft";

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "replay a JSON-lines file (one line = one Kafka message, bytes as in the file) "
              + "instead of the bundled NAB series")
  Path input;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "2000",
      description =
          "events per second sent to Kafka (default: ${DEFAULT-VALUE}; 0 = as fast as possible)")
  double rate;

  @Option(
      names = "--forecasts-out",
      paramLabel = "FILE",
      description = "copy the forecasts topic to a JSON-lines file")
  Path forecastsOut;

  @Option(
      names = "--dlq-out",
      paramLabel = "FILE",
      description = "copy the dead-letter topic to a JSON-lines file")
  Path dlqOut;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "write the end-of-run summary as JSON")
  Path summaryJson;

  @Option(
      names = "--follow",
      description =
          "keep running after the data ends, until Ctrl-C or SIGTERM (without it, the end of "
              + "the data drains event time: every step is closed and forecast, then the job stops "
              + "with a savepoint)")
  boolean follow;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8081",
      description = "web UI port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description =
          "publish this model envelope when the job starts (default: the bundled small TFT "
              + "trained on NAB, "
              + BUNDLED_MODEL
              + ")")
  Path modelFile;

  @Option(names = "--no-model", description = "publish no model: every forecast is the baseline")
  boolean noModel;

  // on by default: OnlineLearningEndToEndTest shows learned versions reaching serving
  @Option(
      names = "--online",
      paramLabel = "on|off",
      defaultValue = "on",
      converter = OnOff.class,
      description =
          "learn online from the replay (default: ${DEFAULT-VALUE}: the trainer's versions "
              + "and decisions appear in the console; off never updates the model; both start from "
              + "the same model)")
  String online;

  @Option(
      names = "--model-events-out",
      paramLabel = "FILE",
      description = "copy the trainer's audit topic (tft-model-events) to a file")
  Path modelEventsOut;

  @Mixin JobOptions job = new JobOptions();

  @Override
  public Integer call() throws Exception {
    Settings settings =
        job.settings(
                Settings.defaults().with(Options.CHECKPOINT_INTERVAL, DEMO_CHECKPOINT_INTERVAL))
            .with("online.enabled", String.valueOf(online.equals("on")));
    if (input != null && !Files.isReadable(input)) {
      throw new IllegalArgumentException("--input " + input + " is not a readable file");
    }
    DemoRun.Plan plan =
        new DemoRun.Plan(
            settings,
            input,
            rate,
            forecastsOut,
            dlqOut,
            summaryJson,
            follow,
            port,
            model(),
            modelEventsOut);
    DemoSummary summary;
    try {
      summary = new DemoRun(plan).run();
    } catch (DemoRun.JobFailedException e) {
      System.err.println("tft demo: " + e.getMessage());
      return 3;
    } catch (IllegalArgumentException e) {
      throw e; // the CLI reports it as a bad argument (exit code 2)
    } catch (Exception e) {
      // returned, not thrown: the CLI's System.exit then ends the JVM, whose local Flink
      // threads would otherwise keep it alive
      System.err.println("tft demo: failed: " + e);
      e.printStackTrace();
      return 1;
    }
    // with --follow a Ctrl-C may leave events unconsumed (not lost: they are in Kafka)
    return summary.reconciled() || plan.follow() ? 0 : 1;
  }

  private byte[] model() throws java.io.IOException {
    if (noModel) {
      return null;
    }
    if (modelFile != null) {
      if (!Files.isReadable(modelFile)) {
        throw new IllegalArgumentException("--model " + modelFile + " is not a readable file");
      }
      return Files.readAllBytes(modelFile);
    }
    try (var in = DemoCommand.class.getResourceAsStream(BUNDLED_MODEL)) {
      if (in == null) {
        throw new IllegalStateException(
            "the bundled model " + BUNDLED_MODEL + " is missing from the classpath");
      }
      return in.readAllBytes();
    }
  }

  /** {@code --online on|off}. */
  static final class OnOff implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.equals("on") && !value.equals("off")) {
        throw Choice.unknown(value, "on", "off");
      }
      return value;
    }
  }
}
