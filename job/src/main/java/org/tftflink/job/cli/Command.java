package org.tftflink.job.cli;

import java.util.List;

/** One subcommand of {@code ./tft}. */
public interface Command {

  String name();

  /** One line for {@code ./tft --help}. */
  String summary();

  /** The command's own usage, for {@code ./tft NAME --help}. */
  String usage();

  /** Runs the command; returns the process exit code. */
  int run(List<String> args) throws Exception;
}
