package org.tftflink.job;

import java.util.Arrays;
import java.util.List;
import org.tftflink.job.cli.BenchCommand;
import org.tftflink.job.cli.ChaosCommand;
import org.tftflink.job.cli.Command;
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

/** The entry point of {@code ./tft} and of the shaded job jar: dispatches to a subcommand. */
public final class Cli {

  static final List<Command> COMMANDS =
      List.of(
          new DemoCommand(),
          new RunCommand(),
          new PublishCommand(),
          new ControlCommand(),
          new TrainModelCommand(),
          new TrainCommand(),
          new EvaluateOfflineCommand(),
          new EvaluateCommand(),
          new BenchCommand(),
          new ChaosCommand(),
          new OptionsCommand());

  private Cli() {}

  public static void main(String[] argv) throws Exception {
    capNativeMemory();
    // after the caps: javacpp reads them when first loaded
    NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
    System.exit(run(argv));
  }

  /**
   * Caps ND4J's native memory unless the user set the caps: javacpp frees native arrays only when
   * their Java objects are collected, and with a large heap that GC rarely runs. Uncapped, an ETTh1
   * training run grew past 18 GB and was killed by the kernel. Must run before ND4J loads.
   */
  static void capNativeMemory() {
    String bytes = "org.bytedeco.javacpp.maxbytes";
    String physical = "org.bytedeco.javacpp.maxphysicalbytes";
    if (System.getProperty(bytes) == null) {
      System.setProperty(bytes, "4G");
    }
    if (System.getProperty(physical) == null) {
      // the physical figure is the whole process: heap, native arrays and the rest
      long cap = Runtime.getRuntime().maxMemory() + (8L << 30);
      System.setProperty(physical, Long.toString(cap));
    }
  }

  static int run(String[] argv) throws Exception {
    if (argv.length == 0
        || argv[0].equals("--help")
        || argv[0].equals("-h")
        || argv[0].equals("help")) {
      printHelp();
      return 0;
    }
    Command command =
        COMMANDS.stream().filter(c -> c.name().equals(argv[0])).findFirst().orElse(null);
    if (command == null) {
      System.err.println("tft: unknown command '" + argv[0] + "'");
      printHelp();
      return 2;
    }
    List<String> rest = Arrays.asList(argv).subList(1, argv.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      System.out.println(command.usage());
      return 0;
    }
    try {
      return command.run(rest);
    } catch (IllegalArgumentException e) {
      System.err.println("tft " + command.name() + ": " + e.getMessage());
      System.err.println(command.usage());
      return 2;
    }
  }

  private static void printHelp() {
    System.out.println("Commands:");
    System.out.printf(
        "  %-18s %s%n", "test", "run the whole test suite (Maven; handled by the ./tft launcher)");
    for (Command c : COMMANDS) {
      System.out.printf("  %-18s %s%n", c.name(), c.summary());
    }
    System.out.println("Run ./tft COMMAND --help for a command's options.");
  }
}
