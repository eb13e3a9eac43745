package org.tftflink.job.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.tftflink.job.bench.OnlineBench;
import org.tftflink.job.bench.PipelineBench;
import org.tftflink.job.bench.ServingBench;

/**
 * {@code ./tft bench WHAT}: the project's benchmarks, which print their figures (see
 * BENCHMARKS.md).
 */
public final class BenchCommand implements Command {

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "benchmarks: 'bench pipeline' (pass-through vs baseline pipeline), 'bench serving' (the TFT in"
        + " the stream), 'bench online' (learning in the stream), 'bench model' (JMH, run by the"
        + " launcher)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft bench pipeline [--hosts 1000] [--steps 600] [--parallelism 2] [--rounds 2]",
        "       ./tft bench serving [--hosts 1000] [--steps 4] [--unbatched-steps 1] [--waves 3]"
            + " [--only throughput|latency]",
        BenchOnlineOptions.USAGE,
        "       ./tft bench model [JMH options]   (the launcher runs the model's JMH benchmark)");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    String which = argv.isEmpty() ? "" : argv.get(0);
    List<String> rest = argv.isEmpty() ? List.of() : argv.subList(1, argv.size());
    return switch (which) {
      case "pipeline" -> pipeline(rest);
      case "serving" -> serving(rest);
      case "online" -> online(rest);
      default ->
          throw new IllegalArgumentException(
              "name a benchmark: pipeline, serving, online or model");
    };
  }

  private int pipeline(List<String> argv) throws Exception {
    Args args = Args.parse(argv, Set.of("hosts", "steps", "parallelism", "rounds"), Set.of());
    int hosts = (int) args.number("hosts", 1000);
    int steps = (int) args.number("steps", 600);
    int parallelism = (int) args.number("parallelism", 2);
    int rounds = (int) args.number("rounds", 2);
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

  private int online(List<String> argv) throws Exception {
    new OnlineBench(BenchOnlineOptions.parse(argv)).run().print(System.out);
    return 0;
  }

  private int serving(List<String> argv) throws Exception {
    Args args =
        Args.parse(argv, Set.of("hosts", "steps", "unbatched-steps", "waves", "only"), Set.of());
    String only = args.get("only", "all");
    ServingBench bench =
        new ServingBench((int) args.number("hosts", 1000), 2, (int) args.number("waves", 3));
    System.out.printf(
        "%s, %d cores, %d hosts, reference TFT (%s)%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        (int) args.number("hosts", 1000),
        bench.model());
    if (!only.equals("latency")) {
      bench.throughput(256, (int) args.number("steps", 4));
      bench.throughput(1, (int) args.number("unbatched-steps", 1));
    }
    if (!only.equals("throughput")) {
      bench.latency(256);
      bench.latency(1);
    }
    return 0;
  }
}
