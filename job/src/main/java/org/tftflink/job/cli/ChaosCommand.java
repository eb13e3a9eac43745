package org.tftflink.job.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tftflink.job.chaos.ChaosSuite;
import org.tftflink.job.chaos.Profile;
import org.tftflink.job.chaos.Scenario;
import org.tftflink.job.chaos.Verdict;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./tft chaos}: fault and hostile-input scenarios against the real job, with verdicts. */
@Command(
    name = "chaos",
    sortOptions = false,
    description =
        "chaos scenarios against the real job on MiniCluster + embedded Kafka (--list, NAME, "
            + "--all)",
    customSynopsis = {
      "./tft chaos --list",
      "       ./tft chaos NAME... [--profile short|long]",
      "       ./tft chaos --all [--profile short|long]   (last line: N passed, N failed)"
    })
public final class ChaosCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "NAME",
      arity = "0..*",
      description = "scenarios to run (--list names them)")
  List<String> names = new ArrayList<>();

  @Option(names = "--list", description = "list the scenarios and their parameters")
  boolean list;

  @Option(names = "--all", description = "run every scenario")
  boolean all;

  @Option(
      names = "--profile",
      paramLabel = "short|long",
      defaultValue = "short",
      converter = ProfileConverter.class,
      description = "the scenarios' sizes (default: ${DEFAULT-VALUE})")
  Profile profile;

  @Override
  public Integer call() throws Exception {
    if (list) {
      for (Scenario s : ChaosSuite.scenarios()) {
        System.out.printf("  %-16s %s%n", s.name(), s.description());
        System.out.printf(
            "  %-16s short: %s; long: %s%n",
            "", s.parameters(Profile.SHORT), s.parameters(Profile.LONG));
      }
      return 0;
    }
    List<Scenario> which;
    if (all) {
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

  /** {@code --profile short|long}, in any case. */
  static final class ProfileConverter implements CommandLine.ITypeConverter<Profile> {
    @Override
    public Profile convert(String value) {
      try {
        return Profile.parse(value);
      } catch (IllegalArgumentException e) {
        throw Choice.unknown(value, "short", "long");
      }
    }
  }
}
