package org.tftflink.job.chaos;

/** One chaos scenario: runs the real job against a real broker and judges what came out. */
public interface Scenario {

  /** The name on the command line, e.g. {@code poison-input}. */
  String name();

  /** One line for {@code ./tft chaos --list}. */
  String description();

  /** The load of {@code profile} in words (hosts, steps, faults), for the list. */
  String parameters(Profile profile);

  /** Runs the scenario on {@code context}'s broker; never throws for a failed check. */
  Verdict run(ChaosContext context, Profile profile) throws Exception;
}
