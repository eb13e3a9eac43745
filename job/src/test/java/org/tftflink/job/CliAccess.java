package org.tftflink.job;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Lets tests outside this package run the CLI as {@code ./tft} does, or one command directly. */
public final class CliAccess {

  private CliAccess() {}

  /** What one {@code ./tft} command line printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  /** The whole CLI, as {@link Cli#main} runs it (without exiting). */
  public static CommandLine commandLine() {
    return Cli.commandLine();
  }

  /** Runs one command line through the whole CLI, its help and error handling, capturing both. */
  public static Result run(String... argv) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(argv);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Parses {@code argv} into the command with its picocli options, then runs it: its exceptions,
   * bad arguments included, reach the test instead of becoming an exit code.
   */
  public static int call(Callable<Integer> command, List<String> argv) throws Exception {
    new CommandLine(command).parseArgs(argv.toArray(String[]::new));
    return command.call();
  }
}
