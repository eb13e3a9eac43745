package org.tftflink.job.cli;

import java.util.List;
import java.util.Set;
import org.tftflink.job.chaos.ChaosSuite;
import org.tftflink.job.chaos.Profile;
import org.tftflink.job.chaos.Scenario;
import org.tftflink.job.chaos.Verdict;

/** {@code ./tft chaos}: fault and hostile-input scenarios against the real job, with verdicts. */
public final class ChaosCommand implements Command {

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public String summary() {
    return "chaos scenarios against the real job on MiniCluster + embedded Kafka (--list, NAME,"
        + " --all)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./tft chaos --list",
        "       ./tft chaos NAME [--profile short|long]",
        "       ./tft chaos --all [--profile short|long]   (last line: N passed, N failed)");
  }

  @Override
  public int run(List<String> argv) throws Exception {
    List<String> names = argv.stream().filter(a -> !a.startsWith("--")).toList();
    List<String> options =
        argv.stream()
            .filter(a -> a.startsWith("--") || a.equals("short") || a.equals("long"))
            .toList();
    names = names.stream().filter(n -> !n.equals("short") && !n.equals("long")).toList();
    Args args = Args.parse(options, Set.of("profile"), Set.of("list", "all"));
    Profile profile = Profile.parse(args.get("profile", "short"));
    if (args.flag("list")) {
      for (Scenario s : ChaosSuite.scenarios()) {
        System.out.printf("  %-16s %s%n", s.name(), s.description());
        System.out.printf(
            "  %-16s short: %s; long: %s%n",
            "", s.parameters(Profile.SHORT), s.parameters(Profile.LONG));
      }
      return 0;
    }
    List<Scenario> which;
    if (args.flag("all")) {
      which = ChaosSuite.scenarios();
    } else {
      if (names.isEmpty()) {
        throw new IllegalArgumentException("name a scenario (--list), or --all");
      }
      which =
          names.stream()
              .map(
                  n ->
                      ChaosSuite.find(n)
                          .orElseThrow(
                              () ->
                                  new IllegalArgumentException(
                                      "unknown scenario '" + n + "' (./tft chaos --list)")))
              .toList();
    }
    List<Verdict> verdicts = ChaosSuite.run(which, profile, System.out);
    System.out.println("chaos: " + ChaosSuite.summary(verdicts));
    return verdicts.stream().allMatch(Verdict::passed) ? 0 : 1;
  }
}
