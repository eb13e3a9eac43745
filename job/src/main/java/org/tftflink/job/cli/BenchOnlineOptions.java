package org.tftflink.job.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tftflink.job.bench.OnlineBench;

/**
 * The arguments of {@code ./tft bench online}, in one place (so that a move to another argument
 * parser touches this class only): every option defaults to {@link OnlineBench.Options#defaults()}.
 */
final class BenchOnlineOptions {

  static final String USAGE =
      "       ./tft bench online [--hosts 1000] [--backlog-steps 150] [--paced-seconds 120]"
          + " [--parallelism 2] [--preset conservative] [--update-minutes 60]"
          + " [--online key=value,...] [--no-reference]";

  private BenchOnlineOptions() {}

  static OnlineBench.Options parse(List<String> argv) {
    Args args =
        Args.parse(
            argv,
            Set.of(
                "hosts",
                "backlog-steps",
                "paced-seconds",
                "parallelism",
                "preset",
                "update-minutes",
                "online"),
            Set.of("no-reference"));
    OnlineBench.Options d = OnlineBench.Options.defaults();
    Map<String, String> online = new LinkedHashMap<>(d.online());
    String minutes = args.get("update-minutes", null);
    if (minutes != null) {
      online.put("update_frequency_minutes", minutes);
    }
    // learning-core keys on top of the preset, e.g. --online shadow_minutes=0,enable_rollback=false
    for (String kv : args.get("online", "").split(",")) {
      if (kv.isBlank()) {
        continue;
      }
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "option '--online' takes key=value pairs separated by commas, got '" + kv + "'");
      }
      online.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return new OnlineBench.Options(
        (int) args.number("hosts", d.hosts()),
        (int) args.number("backlog-steps", d.backlogSteps()),
        (int) args.number("paced-seconds", d.pacedSeconds()),
        (int) args.number("parallelism", d.parallelism()),
        args.get("preset", d.preset()),
        online,
        !args.flag("no-reference"));
  }
}
