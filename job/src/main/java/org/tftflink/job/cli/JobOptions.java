package org.tftflink.job.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tftflink.job.config.Settings;
import picocli.CommandLine.Option;

/**
 * The job options of the commands that run or talk to the job ({@code ./tft options} lists them): a
 * {@code --config FILE}, then every {@code --set key=value} in order, over the command's base.
 */
public final class JobOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "job options from a Java properties file (./tft options lists them)")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "one job option, over the file; repeatable (./tft options lists them)")
  List<String> sets = new ArrayList<>();

  /** {@code base}, then the {@code --config} file, then every {@code --set key=value}, in order. */
  public Settings settings(Settings base) throws IOException {
    Settings s = base;
    if (config != null) {
      s = s.withFile(config);
    }
    for (String kv : sets) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set needs key=value, got '" + kv + "'");
      }
      s = s.with(kv.substring(0, eq).trim(), kv.substring(eq + 1));
    }
    return s;
  }
}
