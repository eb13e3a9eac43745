package org.tftflink.job.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tftflink.job.config.Settings;

/**
 * Command-line arguments of one command: {@code --flag}, {@code --name value} or {@code
 * --name=value}, plus the shared {@code --config FILE} and repeatable {@code --set key=value} that
 * build the job {@link Settings}. Unknown arguments fail with the list of known ones.
 */
public final class Args {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> sets = new ArrayList<>();

  private Args() {}

  /**
   * @param valued names (without {@code --}) that take a value
   * @param flags names that take none
   */
  public static Args parse(List<String> args, Set<String> valued, Set<String> flags) {
    Args a = new Args();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      boolean isValued = valued.contains(name) || name.equals("set") || name.equals("config");
      if (!isValued && !flags.contains(name)) {
        throw new IllegalArgumentException(
            "unknown option '--" + name + "'; this command takes " + describe(valued, flags));
      }
      if (isValued && value == null) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("option '--" + name + "' needs a value");
        }
        value = args.get(++i);
      }
      if (name.equals("set")) {
        a.sets.add(value);
      } else {
        a.values.put(name, isValued ? value : "true");
      }
    }
    return a;
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public Path path(String name) {
    String v = values.get(name);
    return v == null ? null : Path.of(v);
  }

  public double number(String name, double fallback) {
    String v = values.get(name);
    try {
      return v == null ? fallback : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '--" + name + "' needs a number, got '" + v + "'");
    }
  }

  public boolean bool(String name, boolean fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw new IllegalArgumentException(
        "option '--" + name + "' needs true or false, got '" + v + "'");
  }

  /** {@code base}, then the {@code --config} file, then every {@code --set key=value}, in order. */
  public Settings settings(Settings base) throws java.io.IOException {
    Settings s = base;
    if (values.containsKey("config")) {
      s = s.withFile(Path.of(values.get("config")));
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

  private static String describe(Set<String> valued, Set<String> flags) {
    List<String> all = new ArrayList<>();
    valued.forEach(v -> all.add("--" + v + " VALUE"));
    flags.forEach(f -> all.add("--" + f));
    all.add("--config FILE");
    all.add("--set key=value");
    return String.join(", ", all);
  }
}
