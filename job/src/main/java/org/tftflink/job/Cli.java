package org.tftflink.job;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.tftflink.job.cli.BenchCommand;
import org.tftflink.job.cli.ChaosCommand;
import org.tftflink.job.cli.ControlCommand;
import org.tftflink.job.cli.EvaluateCommand;
import org.tftflink.job.cli.EvaluateOfflineCommand;
import org.tftflink.job.cli.OptionsCommand;
import org.tftflink.job.cli.PublishCommand;
import org.tftflink.job.cli.RunCommand;
import org.tftflink.job.cli.TrainCommand;
import org.tftflink.job.cli.TrainModelCommand;
import org.tftflink.job.demo.DemoCommand;
import org.tftflink.model.tft.graph.NativeMemoryGc;
import org.tftflink.model.tft.graph.SameDiffChatter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of {@code ./tft} and of the shaded job jar: picocli dispatches to a subcommand,
 * prints every command's help and reports every bad argument the same way (exit code 2).
 */
@Command(
    name = "./tft",
    synopsisHeading = "Usage: ",
    customSynopsis = "./tft COMMAND [OPTIONS]",
    description =
        "Forecasts server metrics with a Temporal Fusion Transformer on Flink and learns online.",
    commandListHeading = "%nCommands:%n",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      PublishCommand.class,
      ControlCommand.class,
      TrainModelCommand.class,
      TrainCommand.class,
      EvaluateOfflineCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      ChaosCommand.class,
      OptionsCommand.class,
      Cli.Help.class
    },
    footer = {
      "",
      "The ./tft launcher also runs 'test' (the whole test suite, mvn -B test) and 'bench model'"
          + " (the TFT's JMH benchmark).",
      "Run ./tft COMMAND --help for a command's options."
    })
public final class Cli implements Runnable {

  /** The exit code of a bad command line: unknown option, bad value, missing option. */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  // inherited: every command and subcommand takes --help
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "show this help and exit")
  boolean help;

  private Cli() {}

  public static void main(String[] argv) {
    // before anything prints: every graph this JVM builds keeps SameDiff's op lines out of stdout
    SameDiffChatter.silence();
    capNativeMemory();
    // after the caps: javacpp reads them when first loaded
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    System.exit(run(argv));
  }

  /**
   * Caps javacpp's own allocations unless the user set a cap: javacpp frees native arrays only when
   * their Java objects are collected, and with a large heap that GC rarely runs. Must run before
   * ND4J loads.
   *
   * <p>No default cap on the process's physical bytes ({@code
   * org.bytedeco.javacpp.maxphysicalbytes}, which a user may still set): with one, javacpp reads
   * the resident size at every allocation with a deallocator, i.e. several times per ND4J op (the
   * shape buffers of each op): JFR put 3.5% of a training step's samples there, and an ETTh1 epoch
   * ran at 188.6 samples/s without it against 182.2 with it, the same losses (3 December). The
   * growth it guarded against (an ETTh1 training run past 18 GB) is bounded by the training and
   * forward passes' workspaces and by {@link NativeMemoryGc}, which {@link #main} starts: an ETTh1
   * epoch peaked at 2.6 GB resident with the cap and without it.
   */
  static void capNativeMemory() {
    String bytes = "org.bytedeco.javacpp.maxbytes";
    if (System.getProperty(bytes) == null) {
      System.setProperty(bytes, "4G");
    }
  }

  static int run(String[] argv) {
    return commandLine().execute(argv);
  }

  /** The whole CLI, with its uniform error handling; set its out and err before executing. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Cli());
    cli.setUsageHelpWidth(120);
    // as the hand-written parser did: an option given twice takes its last value, and an argument
    // starting with @ is a value (a file name, a key), not picocli's file of arguments
    cli.setOverwrittenOptionsAllowed(true);
    cli.setExpandAtFiles(false);
    headings(cli);
    cli.setParameterExceptionHandler(Cli::badArguments);
    cli.setExecutionExceptionHandler(Cli::failed);
    return cli;
  }

  /** The same layout for every command: a blank line before its description and its options. */
  private static void headings(CommandLine command) {
    command
        .getCommandSpec()
        .usageMessage()
        .descriptionHeading("%n")
        .optionListHeading("%nOptions:%n");
    command.getSubcommands().values().forEach(Cli::headings);
  }

  /** No command: the list of commands. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ./tft help [COMMAND...]}: the help of the CLI or of one (sub)command. */
  @Command(name = "help", description = "this help, or a command's: ./tft help COMMAND")
  static final class Help implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "COMMAND",
        arity = "0..*",
        description = "e.g. train, or bench serving")
    List<String> names = new ArrayList<>();

    @Override
    public void run() {
      CommandLine command = spec.parent().commandLine();
      for (String name : names) {
        command = command.getSubcommands().get(name);
        if (command == null) {
          throw new IllegalArgumentException("no command '" + String.join(" ", names) + "'");
        }
      }
      command.usage(spec.commandLine().getOut());
    }
  }

  /**
   * An unknown option, a bad value, a missing option or an unknown command: one line and a hint.
   */
  private static int badArguments(ParameterException e, String[] argv) {
    CommandLine cmd = e.getCommandLine();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException u) {
      List<String> unmatched = u.getUnmatched();
      String first = unmatched.isEmpty() ? "" : unmatched.get(0);
      if (cmd.getParent() == null && !first.startsWith("-")) {
        message = "unknown command '" + first + "'";
      } else if (first.startsWith("-")) {
        // picocli also lists the unknown option's value ('--epoch', '3'): name the option only
        message = "Unknown option: '" + first + "'";
      }
      List<String> suggestions = u.getSuggestions();
      if (!suggestions.isEmpty()) {
        message += " (did you mean " + String.join(" or ", suggestions) + "?)";
      }
    }
    report(cmd, message);
    return USAGE;
  }

  /**
   * A command's own check of its arguments (an IllegalArgumentException, thrown before any work)
   * reads like a parsing error; anything else is a failure with its stack trace (exit code 1).
   */
  private static int failed(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException) {
      report(cmd, e.getMessage());
      return USAGE;
    }
    throw e;
  }

  private static void report(CommandLine cmd, String message) {
    String name = cmd.getCommandSpec().qualifiedName(" ");
    PrintWriter err = cmd.getErr();
    err.println(name.substring(2) + ": " + message);
    err.println(
        "Try '"
            + name
            + " --help' for "
            + (cmd.getParent() == null ? "the commands." : "its options."));
    err.flush();
  }
}
