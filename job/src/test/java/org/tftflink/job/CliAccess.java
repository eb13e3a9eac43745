package org.tftflink.job;

import java.util.List;
import org.tftflink.job.cli.Command;

/** Lets tests outside this package see the CLI's commands (package-private in {@link Cli}). */
public final class CliAccess {

  private CliAccess() {}

  public static List<Command> commands() {
    return Cli.COMMANDS;
  }
}
