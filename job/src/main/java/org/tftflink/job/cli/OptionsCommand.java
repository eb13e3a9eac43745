package org.tftflink.job.cli;

import java.util.Arrays;
import java.util.List;
import org.tftflink.job.config.Option;
import org.tftflink.job.config.Options;

/** Prints every job option with its default and meaning. */
public final class OptionsCommand implements Command {

  @Override
  public String name() {
    return "options";
  }

  @Override
  public String summary() {
    return "list the job's options (set them with --set key=value or --config FILE)";
  }

  @Override
  public String usage() {
    return "usage: ./tft options";
  }

  @Override
  public int run(List<String> args) {
    for (Option<?> o : Options.all()) {
      Object d = o.defaultValue();
      String def = d instanceof double[] a ? Arrays.toString(a) : String.valueOf(d);
      System.out.printf("%-28s %-14s %s%n", o.name(), def, o.description());
    }
    return 0;
  }
}
