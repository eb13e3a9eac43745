package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.job.chaos.Profile;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code ./tft}'s command line as a user meets it, without running anything: every command's help,
 * its defaults, and one line plus a hint (exit code 2) for an unknown option, a bad value or a
 * missing option.
 */
class CliTest {

  private static final String[] COMMANDS = {
    "demo",
    "run",
    "publish",
    "control",
    "train-model",
    "train",
    "evaluate-offline",
    "evaluate",
    "bench",
    "bench pipeline",
    "bench serving",
    "chaos",
    "options"
  };

  private static String[] argv(String command, String... more) {
    List<String> a = new ArrayList<>(List.of(command.split(" ")));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** Every option of the command the arguments name, with its value after parsing them. */
  private static Map<String, Object> parsed(String... argv) {
    ParseResult r = CliAccess.commandLine().parseArgs(argv);
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (OptionSpec o : r.commandSpec().options()) {
      values.put(o.longestName(), o.getValue());
    }
    return values;
  }

  /** A command's help with its lines joined, as picocli wraps them at its width. */
  private static String help(String... command) {
    List<String> a = new ArrayList<>(List.of(command));
    a.add("--help");
    return CliAccess.run(a.toArray(String[]::new)).out().replaceAll("\\s+", " ");
  }

  /** The error a user sees: exactly the one line given, then the hint to the command's help. */
  private static void assertBadArguments(CliAccess.Result r, String command, String line) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .containsExactly(
            "tft " + command + ": " + line, "Try './tft " + command + " --help' for its options.");
  }

  @Test
  void shouldListEveryCommandWithItsSummaryWhenAskedForHelpOrGivenNoCommand() {
    for (String[] argv : List.of(new String[] {"--help"}, new String[] {}, new String[] {"-h"})) {
      CliAccess.Result r = CliAccess.run(argv);

      assertThat(r.exitCode()).isZero();
      assertThat(r.err()).isEmpty();
      assertThat(r.out())
          .startsWith("Usage: ./tft COMMAND [OPTIONS]")
          .contains("Commands:")
          .contains("train-model")
          .contains("prequential evaluation of the online-learning strategies")
          .contains("'test' (the whole test suite")
          .contains("Run ./tft COMMAND --help");
      for (String c : COMMANDS) {
        if (!c.contains(" ")) {
          assertThat(r.out()).containsPattern("(?m)^  " + c + " ");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "demo",
        "run",
        "publish",
        "control",
        "train-model",
        "train",
        "evaluate-offline",
        "evaluate",
        "bench",
        "bench pipeline",
        "bench serving",
        "chaos",
        "options"
      })
  void shouldPrintTheCommandsHelpWithItsDefaultsFilledIn(String command) {
    for (String help : List.of("--help", "-h")) {
      CliAccess.Result r = CliAccess.run(argv(command, help));

      assertThat(r.exitCode()).isZero();
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).startsWith("Usage: ./tft " + command).contains("--help");
      assertThat(r.out()).doesNotContain("${").doesNotContain("default: null");
    }
    // help wins over missing options, as a user asking for help expects
    assertThat(CliAccess.run(argv("help", command.split(" "))).out())
        .startsWith("Usage: ./tft " + command);
  }

  /** Each command with the options it requires (picocli names missing ones first). */
  private static final Map<String, List<String>> REQUIRED =
      Map.ofEntries(
          entry("demo", List.of()),
          entry("run", List.of()),
          entry("publish", List.of("--model", "m.tft")),
          entry("control", List.of("--command", "pause")),
          entry("train-model", List.of("--out", "m.tft")),
          entry("train", List.of("--data", "a.csv", "--target", "OT", "--out", "m.tft")),
          entry("evaluate-offline", List.of("--model", "m.tft", "--data", "a.csv")),
          entry("evaluate", List.of("--data", "a.csv", "--target", "value", "--out", "dir")),
          entry("bench", List.of()),
          entry("bench pipeline", List.of()),
          entry("bench serving", List.of()),
          entry("chaos", List.of()),
          entry("options", List.of()));

  @Test
  void shouldRejectAnUnknownOptionOfEveryCommandInOneLineWithAHint() {
    assertThat(REQUIRED.keySet()).containsExactlyInAnyOrder(COMMANDS);
    REQUIRED.forEach(
        (command, required) -> {
          List<String> more = new ArrayList<>(required);
          more.add("--zzzz");
          assertBadArguments(
              CliAccess.run(argv(command, more.toArray(String[]::new))),
              command,
              "Unknown option: '--zzzz'");
        });
  }

  @Test
  void shouldShowEveryDefaultInTheHelp() {
    String train = help("train");
    assertThat(train)
        .contains("maximum epochs (default: 12;")
        .contains("training time budget in minutes, fractions allowed (default: 20)")
        .contains("Adam learning rate (default: 0.003)")
        .contains("(default: 0.5; 1 turns it off)")
        .contains("hidden size (default: 32)")
        .contains("batch size (default: 64)")
        .contains("(default: false for --split ett");
    assertThat(help("evaluate"))
        .contains("(default: frozen,sliding_window)")
        .contains("sliding_window, ")
        .contains("(default: conservative)")
        .contains("(default: 3/4)");
    assertThat(help("bench", "serving")).contains("simulated hosts (default: 1000)");
    assertThat(help("demo"))
        .contains("(default: 2000;")
        .contains("web UI port (default: 8081)")
        .contains("--set=KEY=VALUE");
  }

  @Test
  void shouldParseNoFlagAsTheDocumentedDefaults() {
    assertThat(parsed("train", "--data", "ETTh1.csv", "--target", "OT", "--out", "m.tft"))
        .contains(
            entry("--epochs", 12),
            entry("--minutes", 20.0),
            entry("--lr", 3e-3),
            entry("--plateau-decay", 0.5),
            entry("--seed", 42L),
            entry("--hidden", 32),
            entry("--batch", 64),
            entry("--split", null),
            entry("--target-scales", null),
            entry("--horizon", null),
            entry("--encoder", null));
    assertThat(parsed("train-model", "--out", "m.tft"))
        .contains(
            entry("--seconds", 30L),
            entry("--hidden", 8),
            entry("--encoder", 48),
            entry("--train-share", 0.6),
            entry("--version", 1L),
            entry("--epoch", 1L));
    assertThat(parsed("evaluate", "--data", "a.csv", "--target", "value", "--out", "d"))
        .contains(
            entry("--strategies", "frozen,sliding_window"),
            entry("--preset", "conservative"),
            entry("--alert-rule", "3/4"),
            entry("--train-share", 0.3),
            entry("--seed", 42L),
            entry("--batch", 512),
            entry("--hidden", null),
            entry("--train-minutes", null));
    assertThat(parsed("evaluate-offline", "--model", "m.tft", "--data", "a.csv"))
        .contains(entry("--split", null), entry("--target", null), entry("--horizon", null));
    assertThat(parsed("demo"))
        .contains(
            entry("--rate", 2000.0),
            entry("--port", 8081),
            entry("--online", "on"),
            entry("--follow", false),
            entry("--no-model", false),
            entry("--model", null));
    assertThat(parsed("control", "--command", "pause")).contains(entry("--wait", 60.0));
    assertThat(parsed("publish", "--model", "m.tft"))
        .contains(entry("--epoch", null), entry("--version", null), entry("--bootstrap", null));
    assertThat(parsed("chaos", "--all")).contains(entry("--profile", Profile.SHORT));
    assertThat(parsed("bench", "pipeline"))
        .contains(
            entry("--hosts", 1000),
            entry("--steps", 600),
            entry("--parallelism", 2),
            entry("--rounds", 2));
    assertThat(parsed("bench", "serving"))
        .contains(
            entry("--hosts", 1000),
            entry("--steps", 4),
            entry("--unbatched-steps", 1),
            entry("--waves", 3),
            entry("--only", "all"));
  }

  @Test
  void shouldTakeValuesAfterASpaceOrAnEqualsSignAndRepeatedSets() {
    assertThat(parsed("demo", "--rate=10", "--online", "off", "--follow", "--set", "a=1"))
        .contains(entry("--rate", 10.0), entry("--online", "off"), entry("--follow", true))
        .contains(entry("--set", List.of("a=1")));
    assertThat(parsed("run", "--set", "target=mem", "--set=forecast.horizon=6"))
        .contains(entry("--set", List.of("target=mem", "forecast.horizon=6")));
    assertThat(parsed("train-model", "--out", "@m.tft", "--hidden", "4", "--hidden", "6"))
        .contains(entry("--hidden", 6), entry("--out", java.nio.file.Path.of("@m.tft")));
    assertThat(parsed("chaos", "broker-restart", "--profile", "LONG"))
        .contains(entry("--profile", Profile.LONG));
  }

  @Test
  void shouldRejectABadValueOfEachCommandInOneLineWithAHint() {
    assertBadArguments(
        CliAccess.run("train", "--epochs", "abc"),
        "train",
        "Invalid value for option '--epochs': 'abc' is not an int");
    assertBadArguments(
        CliAccess.run(
            "train", "--data", "a.csv", "--target", "OT", "--out", "m", "--split", "halves"),
        "train",
        "Invalid value for option '--split': expected ett or half, got 'halves'");
    assertBadArguments(
        CliAccess.run("train", "--target-scales", "yes"),
        "train",
        "Invalid value for option '--target-scales': 'yes' is not a boolean");
    assertBadArguments(
        CliAccess.run("evaluate-offline", "--horizon", "1.5"),
        "evaluate-offline",
        "Invalid value for option '--horizon': '1.5' is not an int");
    assertBadArguments(
        CliAccess.run("evaluate", "--split", "halves"),
        "evaluate",
        "Invalid value for option '--split': expected ett or nab, got 'halves'");
    assertBadArguments(
        CliAccess.run("demo", "--online", "maybe"),
        "demo",
        "Invalid value for option '--online': expected on or off, got 'maybe'");
    assertBadArguments(
        CliAccess.run("demo", "--rate", "fast"),
        "demo",
        "Invalid value for option '--rate': 'fast' is not a double");
    assertBadArguments(
        CliAccess.run("control", "--command", "pause", "--wait", "soon"),
        "control",
        "Invalid value for option '--wait': 'soon' is not a double");
    assertBadArguments(
        CliAccess.run("publish", "--model", "m.tft", "--epoch", "x"),
        "publish",
        "Invalid value for option '--epoch': 'x' is not a long");
    assertBadArguments(
        CliAccess.run("train-model", "--out", "m.tft", "--hidden", "big"),
        "train-model",
        "Invalid value for option '--hidden': 'big' is not an int");
    assertBadArguments(
        CliAccess.run("bench", "pipeline", "--hosts", "many"),
        "bench pipeline",
        "Invalid value for option '--hosts': 'many' is not an int");
    assertBadArguments(
        CliAccess.run("bench", "serving", "--only", "both"),
        "bench serving",
        "Invalid value for option '--only': expected all or throughput or latency, got 'both'");
    assertBadArguments(
        CliAccess.run("chaos", "--all", "--profile", "medium"),
        "chaos",
        "Invalid value for option '--profile': expected short or long, got 'medium'");
    assertBadArguments(
        CliAccess.run("options", "extra"), "options", "Unmatched argument at index 1: 'extra'");
  }

  @Test
  void shouldReportTheCommandsOwnChecksAsBadArgumentsBeforeAnyWork() {
    // run checks the job options before it builds anything
    assertBadArguments(
        CliAccess.run("run", "--set", "no-equals-sign"),
        "run",
        "--set needs key=value, got 'no-equals-sign'");
    assertBadArguments(
        CliAccess.run("run"),
        "run",
        "kafka.bootstrap is required (the embedded broker is for" + " ./tft demo)");
    assertThat(CliAccess.run("run", "--set", "no.such.key=1").err())
        .startsWith("tft run: ")
        .contains("no.such.key");
    assertBadArguments(
        CliAccess.run("bench"), "bench", "name a benchmark: pipeline, serving, online or model");
    assertBadArguments(
        CliAccess.run("chaos", "no-such-scenario"),
        "chaos",
        "unknown scenario 'no-such-scenario' (./tft chaos --list)");
  }

  @Test
  void shouldNameEveryMissingRequiredOptionAtOnce() {
    assertBadArguments(
        CliAccess.run("train"),
        "train",
        "Missing required options: '--data=FILE.csv[,FILE2.csv]', '--target=COLUMN',"
            + " '--out=FILE'");
    assertBadArguments(
        CliAccess.run("control"), "control", "Missing required option: '--command=LINE'");
  }

  @Test
  void shouldNameAnUnknownCommandAndTheNearestOne() {
    CliAccess.Result r = CliAccess.run("trian", "--data", "x.csv");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines())
        .containsExactly(
            "tft: unknown command 'trian' (did you mean train or control or train-model?)",
            "Try './tft --help' for the commands.");
  }

  @Test
  void shouldSuggestTheOptionMeantWhenOneIsMistyped() {
    assertBadArguments(
        CliAccess.run(
            "train", "--data", "a.csv", "--target", "OT", "--out", "m.tft", "--epoch", "3"),
        "train",
        "Unknown option: '--epoch' (did you mean --epochs?)");
  }

  @Test
  void shouldKeepTheCommandsOfTheRootOnTheSameCommandLineInstance() {
    CommandLine cli = CliAccess.commandLine();
    assertThat(cli.getSubcommands().keySet())
        .containsSubsequence(List.of(COMMANDS).stream().filter(c -> !c.contains(" ")).toList());
  }
}
