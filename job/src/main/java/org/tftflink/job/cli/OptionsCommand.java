package org.tftflink.job.cli;

import java.util.Arrays;
import java.util.concurrent.Callable;
import org.tftflink.job.config.Option;
import org.tftflink.job.config.Options;
import picocli.CommandLine.Command;

/** Prints every job option with its default and meaning. */
@Command(
    name = "options",
    description = "list the job's options (set them with --set key=value or --config FILE)")
public final class OptionsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    for (Option<?> o : Options.all()) {
      Object d = o.defaultValue();
      String def = d instanceof double[] a ? Arrays.toString(a) : String.valueOf(d);
      System.out.printf("%-28s %-14s %s%n", o.name(), def, o.description());
    }
    return 0;
  }
}
