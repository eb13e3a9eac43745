package org.tftflink.job.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.tftflink.job.bench.PipelineBench;

/** {@code ./tft bench WHAT}: the project's benchmarks, which print their figures (see BENCHMARKS.md). */
public final class BenchCommand implements Command {

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "benchmarks: 'bench pipeline' (events/s Kafka -> job -> Kafka, pass-through vs baseline pipeline)";
  }

  @Override
  public String usage() {
    return String.join("\n",
        "usage: ./tft bench pipeline [--hosts 1000] [--steps 300] [--parallelism 2] [--rounds 2]");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    if (argv.isEmpty() || !argv.get(0).equals("pipeline")) {
      throw new IllegalArgumentException("name a benchmark: pipeline");
    }
    Args args = Args.parse(argv.subList(1, argv.size()), Set.of("hosts", "steps", "parallelism", "rounds"), Set.of());
    int hosts = (int) args.number("hosts", 1000);
    int steps = (int) args.number("steps", 300);
    int parallelism = (int) args.number("parallelism", 2);
    int rounds = (int) args.number("rounds", 2);
    List<PipelineBench.Result> results = new PipelineBench(hosts, steps, parallelism, rounds).run();
    PipelineBench.Result a = results.get(results.size() - 2);
    PipelineBench.Result b = results.get(results.size() - 1);
    System.out.printf("%n%s, %d cores, %d hosts x %d steps, parallelism %d, warm run of %d:%n", LocalDate.now(),
        Runtime.getRuntime().availableProcessors(), hosts, steps, parallelism, rounds);
    System.out.printf("  (a) pass-through       %,10.0f events/s%n", a.eventsPerSecond());
    System.out.printf("  (b) pipeline+baseline  %,10.0f events/s%n", b.eventsPerSecond());
    System.out.printf("  b/a = %.2f%n", b.eventsPerSecond() / a.eventsPerSecond());
    return 0;
  }
}
