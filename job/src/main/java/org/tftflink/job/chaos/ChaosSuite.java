package org.tftflink.job.chaos;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The chaos scenarios in priority order, and a runner that prints one verdict line each. */
public final class ChaosSuite {

  /** Every scenario, most important first. */
  public static List<Scenario> scenarios() {
    return List.of(
        new PoisonInputScenario(),
        new TaskFailureScenario(),
        new BrokerRestartScenario(),
        new HostChurnScenario(),
        new ClockTroubleScenario(),
        new HostileModelScenario(),
        new LoadSoakScenario(1_000),
        new LoadSoakScenario(10_000));
  }

  public static Optional<Scenario> find(String name) {
    return scenarios().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private ChaosSuite() {}

  static volatile long TIMING_T0 = System.nanoTime();

  static void timing(String what) {
    System.out.printf("    [timing %5.1fs] %s%n", (System.nanoTime() - TIMING_T0) / 1e9, what);
  }

  /**
   * Runs {@code which} on one shared broker, printing each verdict line as it comes; a scenario
   * that throws fails with its exception as the problem.
   */
  public static List<Verdict> run(List<Scenario> which, Profile profile, PrintStream out) {
    List<Verdict> verdicts = new ArrayList<>();
    try (ChaosContext ctx = ChaosContext.start()) {
      for (Scenario s : which) {
        out.printf("chaos: %s (%s: %s) ...%n", s.name(), profile, s.parameters(profile));
        TIMING_T0 = System.nanoTime();
        long t0 = System.nanoTime();
        Verdict v;
        try {
          v = s.run(ctx, profile);
        } catch (Exception e) {
          v = new Verdict(s.name()).check(false, "the scenario threw " + e);
          e.printStackTrace(out);
        }
        v.figure("seconds", Math.round((System.nanoTime() - t0) / 1e9));
        out.println(v.line());
        verdicts.add(v);
      }
    }
    return verdicts;
  }

  /** The summary line: {@code N passed, N failed}. */
  public static String summary(List<Verdict> verdicts) {
    long passed = verdicts.stream().filter(Verdict::passed).count();
    return passed + " passed, " + (verdicts.size() - passed) + " failed";
  }
}
