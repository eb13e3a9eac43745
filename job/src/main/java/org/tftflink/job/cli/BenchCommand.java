package org.tftflink.job.cli;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tftflink.job.bench.OnlineBench;
import org.tftflink.job.bench.PipelineBench;
import org.tftflink.job.bench.ServingBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tft bench WHAT}: the project's benchmarks, which print their figures (see
 * BENCHMARKS.md). Each benchmark is one method below, its options its parameters.
 */
@Command(
    name = "bench",
    description =
        "benchmarks: 'bench pipeline' (pass-through vs baseline pipeline), 'bench serving' (the TFT"
            + " in the stream), 'bench online' (learning in the stream), 'bench model' (JMH, run"
            + " by the launcher)",
    customSynopsis =
        "./tft bench pipeline|serving|online [OPTIONS]   (./tft bench model [JMH ARGS])",
    commandListHeading = "%nBenchmarks:%n",
    footer = {"", "Run ./tft bench WHAT --help for a benchmark's options."})
public final class BenchCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new IllegalArgumentException("name a benchmark: pipeline, serving, online or model");
  }

  @Command(
      name = "pipeline",
      sortOptions = false,
      description =
          "events/s of a pass-through job and of the pipeline with the baseline forecaster")
  int pipeline(
      @Option(
              names = "--hosts",
              paramLabel = "N",
              defaultValue = "1000",
              description = "simulated hosts (default: ${DEFAULT-VALUE})")
          int hosts,
      @Option(
              names = "--steps",
              paramLabel = "N",
              defaultValue = "600",
              description = "steps per host (default: ${DEFAULT-VALUE})")
          int steps,
      @Option(
              names = "--parallelism",
              paramLabel = "N",
              defaultValue = "2",
              description = "job parallelism (default: ${DEFAULT-VALUE})")
          int parallelism,
      @Option(
              names = "--rounds",
              paramLabel = "N",
              defaultValue = "2",
              description = "runs of each job; the last one counts (default: ${DEFAULT-VALUE})")
          int rounds)
      throws Exception {
    List<PipelineBench.Result> results = new PipelineBench(hosts, steps, parallelism, rounds).run();
    PipelineBench.Result a = results.get(results.size() - 2);
    PipelineBench.Result b = results.get(results.size() - 1);
    System.out.printf(
        "%n%s, %d cores, %d hosts x %d steps, parallelism %d, warm run of %d:%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        hosts,
        steps,
        parallelism,
        rounds);
    System.out.printf("  (a) pass-through       %,10.0f events/s%n", a.eventsPerSecond());
    System.out.printf("  (b) pipeline+baseline  %,10.0f events/s%n", b.eventsPerSecond());
    System.out.printf("  b/a = %.2f%n", b.eventsPerSecond() / a.eventsPerSecond());
    return 0;
  }

  @Command(
      name = "serving",
      sortOptions = false,
      description = "the reference TFT in the stream: forecasts/s batched and unbatched, latency")
  int serving(
      @Option(
              names = "--hosts",
              paramLabel = "N",
              defaultValue = "1000",
              description = "simulated hosts (default: ${DEFAULT-VALUE})")
          int hosts,
      @Option(
              names = "--steps",
              paramLabel = "N",
              defaultValue = "4",
              description = "measured steps at batch 256 (default: ${DEFAULT-VALUE})")
          int steps,
      @Option(
              names = "--unbatched-steps",
              paramLabel = "N",
              defaultValue = "1",
              description = "measured steps at batch 1 (default: ${DEFAULT-VALUE})")
          int unbatchedSteps,
      @Option(
              names = "--waves",
              paramLabel = "N",
              defaultValue = "3",
              description = "latency waves (default: ${DEFAULT-VALUE})")
          int waves,
      @Option(
              names = "--only",
              paramLabel = "all|throughput|latency",
              defaultValue = "all",
              converter = Only.class,
              description =
                  "run the throughput or the latency half only (default: ${DEFAULT-VALUE})")
          String only)
      throws Exception {
    ServingBench bench = new ServingBench(hosts, 2, waves);
    System.out.printf(
        "%s, %d cores, %d hosts, reference TFT (%s)%n",
        LocalDate.now(), Runtime.getRuntime().availableProcessors(), hosts, bench.model());
    if (!only.equals("latency")) {
      ServingBench.Throughput batched = bench.throughput(256, steps);
      ServingBench.Throughput unbatched = bench.throughput(1, unbatchedSteps);
      // the same model alone, same batch sizes, same sitting: the stream's share of it
      double alone256 = bench.modelAlone(256, 20);
      double alone1 = bench.modelAlone(1, 10);
      System.out.printf(
          "stream / model alone (forecasts per second of model time): batch 256 %.2f, batch 1"
              + " %.2f%n",
          batched.tftForecasts() / batched.modelSeconds() / alone256,
          unbatched.tftForecasts() / unbatched.modelSeconds() / alone1);
    }
    if (!only.equals("throughput")) {
      bench.latency(256);
      bench.latency(1);
    }
    return 0;
  }

  @Command(
      name = "online",
      sortOptions = false,
      description =
          "online learning in the stream: throughput with learning on and off, latency during"
              + " updates, update durations, hosts per trainer")
  int online(
      @Option(
              names = "--hosts",
              paramLabel = "N",
              defaultValue = "1000",
              description = "simulated hosts (default: ${DEFAULT-VALUE})")
          int hosts,
      @Option(
              names = "--backlog-steps",
              paramLabel = "N",
              defaultValue = "150",
              description = "steps per host in the drained backlog (default: ${DEFAULT-VALUE})")
          int backlogSteps,
      @Option(
              names = "--paced-seconds",
              paramLabel = "N",
              defaultValue = "120",
              description =
                  "seconds of one step of every host per second after the drain (default:"
                      + " ${DEFAULT-VALUE})")
          int pacedSeconds,
      @Option(
              names = "--parallelism",
              paramLabel = "N",
              defaultValue = "2",
              description = "job parallelism (default: ${DEFAULT-VALUE})")
          int parallelism,
      @Option(
              names = "--preset",
              paramLabel = "NAME",
              defaultValue = "conservative",
              description = "online-learning preset (default: ${DEFAULT-VALUE})")
          String preset,
      @Option(
              names = "--update-minutes",
              paramLabel = "N",
              defaultValue = "60",
              description =
                  "event-time minutes between scheduled updates (default: ${DEFAULT-VALUE})")
          int updateMinutes,
      @Option(
              names = "--online",
              paramLabel = "K=V",
              split = ",",
              description = "online-learning keys over the preset, e.g. shadow_minutes=0")
          Map<String, String> online,
      @Option(
              names = "--no-reference",
              description = "do not time an update of the reference configuration")
          boolean noReference)
      throws Exception {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("update_frequency_minutes", String.valueOf(updateMinutes));
    if (online != null) {
      keys.putAll(online);
    }
    OnlineBench.Options options =
        new OnlineBench.Options(
            hosts, backlogSteps, pacedSeconds, parallelism, preset, keys, !noReference);
    new OnlineBench(options).run().print(System.out);
    return 0;
  }

  @Command(
      name = "model",
      description =
          "the TFT's JMH benchmark: run by the ./tft launcher on the model's test classes")
  int model() {
    throw new IllegalArgumentException(
        "'bench model' runs JMH on the model module's test classpath: run it as ./tft bench model");
  }

  /** {@code --only all|throughput|latency}. */
  static final class Only implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.toLowerCase(Locale.ROOT);
      if (!List.of("all", "throughput", "latency").contains(v)) {
        throw Choice.unknown(value, "all", "throughput", "latency");
      }
      return v;
    }
  }
}
