package org.tftflink.job.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.tftflink.job.cli.Args;
import org.tftflink.job.cli.Command;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;

/**
 * {@code ./tft demo}: the main job on its embedded default — a real Kafka broker, a local Flink
 * with the web UI, and bundled real data (NAB) replayed through it.
 */
public final class DemoCommand implements Command {

  /** The demo checkpoints often so that exactly-once output shows up within seconds. */
  static final Duration DEMO_CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

  /** A small TFT trained on the first 60% of the bundled NAB data ({@code ./tft train-model}). */
  static final String BUNDLED_MODEL = "/models/nab-small.tft";

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "run the job on an embedded Kafka + local Flink (web UI on :8081) with bundled NAB data";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft demo [options]",
        "  --input FILE          replay a JSON-lines file (one line = one Kafka message, bytes as in the file)",
        "                        instead of the bundled NAB series",
        "  --rate N              events per second sent to Kafka (default 2000; 0 = as fast as possible)",
        "  --forecasts-out FILE  copy the forecasts topic to a JSON-lines file",
        "  --dlq-out FILE        copy the dead-letter topic to a JSON-lines file",
        "  --summary-json FILE   write the end-of-run summary as JSON",
        "  --follow              keep running after the data ends, until Ctrl-C or SIGTERM",
        "                        (without it, the end of the data drains event time: every step is",
        "                        closed and forecast, then the job stops with a savepoint)",
        "  --port N              web UI port (default 8081)",
        "  --model FILE          publish this model envelope when the job starts (default: the bundled",
        "                        small TFT trained on NAB, " + BUNDLED_MODEL + ")",
        "  --no-model            publish no model: every forecast is the baseline",
        "  --online on|off       learn online from the replay (default on: the trainer's versions and",
        "                        decisions appear in the console; off never updates the model; both",
        "                        start from the same model)",
        "  --model-events-out FILE  copy the trainer's audit topic (tft-model-events) to a file",
        "  --config FILE, --set key=value   job options (./tft options lists them);",
        "                        demo.max_restarts=N: exit 3 with the root cause after N job restarts",
        "                        kafka.client.* and kafka.client_properties_file reach the job's Kafka",
        "                        clients only: the demo's own clients talk to its plaintext embedded broker",
        "Ctrl-C or SIGTERM stops the demo within 30 s (with a savepoint when the job is healthy).");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            Set.of(
                "input",
                "rate",
                "forecasts-out",
                "dlq-out",
                "summary-json",
                "port",
                "model",
                "online",
                "model-events-out"),
            Set.of("follow", "no-model"));
    Settings settings =
        args.settings(
            Settings.defaults().with(Options.CHECKPOINT_INTERVAL, DEMO_CHECKPOINT_INTERVAL));
    // on by default: OnlineLearningEndToEndTest shows learned versions reaching serving
    String online = args.get("online", "on");
    if (!online.equals("on") && !online.equals("off")) {
      throw new IllegalArgumentException("--online takes on or off, got '" + online + "'");
    }
    settings = settings.with("online.enabled", String.valueOf(online.equals("on")));
    Path input = args.path("input");
    if (input != null && !Files.isReadable(input)) {
      throw new IllegalArgumentException("--input " + input + " is not a readable file");
    }
    DemoRun.Plan plan =
        new DemoRun.Plan(
            settings,
            input,
            args.number("rate", 2000),
            args.path("forecasts-out"),
            args.path("dlq-out"),
            args.path("summary-json"),
            args.flag("follow"),
            (int) args.number("port", 8081),
            model(args),
            args.path("model-events-out"));
    DemoSummary summary;
    try {
      summary = new DemoRun(plan).run();
    } catch (DemoRun.JobFailedException e) {
      System.err.println("tft demo: " + e.getMessage());
      return 3;
    } catch (IllegalArgumentException e) {
      throw e; // the CLI prints it with the usage
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

  private static byte[] model(Args args) throws java.io.IOException {
    if (args.flag("no-model")) {
      return null;
    }
    Path file = args.path("model");
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("--model " + file + " is not a readable file");
      }
      return Files.readAllBytes(file);
    }
    try (var in = DemoCommand.class.getResourceAsStream(BUNDLED_MODEL)) {
      if (in == null) {
        throw new IllegalStateException(
            "the bundled model " + BUNDLED_MODEL + " is missing from the classpath");
      }
      return in.readAllBytes();
    }
  }
}
