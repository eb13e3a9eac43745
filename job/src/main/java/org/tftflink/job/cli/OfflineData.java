package org.tftflink.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.EttEvaluation;
import org.tftflink.model.tft.eval.HalfSplitEvaluation;
import org.tftflink.model.tft.eval.OfflineSplit;
import picocli.CommandLine;

/**
 * What {@code train} and {@code evaluate-offline} share: which split a CSV gets, its step and
 * default lengths, and cutting it by that split, so that both commands see the same rows and the
 * same scaling statistics.
 */
final class OfflineData {
  /** The two offline protocols. */
  enum Split {
    /**
     * the standard ETT split, target plus six loads observed, every column z-scored with training
     * rows
     */
    ETT,
    /** first half trains (its last fifth validates), second half tests; target only */
    HALF;

    /** The split a file's name implies: ett for files named ETT*, half otherwise. */
    static Split of(Path firstFile) {
      return firstFile.getFileName().toString().startsWith("ETT") ? ETT : HALF;
    }
  }

  /** {@code --split ett|half}, in any case. */
  static final class SplitConverter implements CommandLine.ITypeConverter<Split> {
    @Override
    public Split convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "ett" -> Split.ETT;
        case "half" -> Split.HALF;
        default -> throw Choice.unknown(value, "ett", "half");
      };
    }
  }

  private static final long DAY_MS = 86_400_000L;
  private static final long HOUR_MS = 3_600_000L;

  private OfflineData() {}

  /** Loads a CSV after checking that it exists, so that a typo gets a message naming the option. */
  static CsvSeries load(Path csv) {
    if (!Files.isRegularFile(csv)) {
      throw new IllegalArgumentException("--data: no such file " + csv);
    }
    return CsvSeries.load(csv);
  }

  /** Checks that the target is a column of the file, naming the file and its columns otherwise. */
  static void requireColumn(CsvSeries data, Path csv, String target) {
    if (!Arrays.asList(data.columns()).contains(target)) {
      throw new IllegalArgumentException(
          "--target: no column '"
              + target
              + "' in "
              + csv
              + "; its columns are "
              + Arrays.toString(data.columns()));
    }
  }

  /** The target when none is given: OT for ETT, the first value column otherwise. */
  static String defaultTarget(Split split, CsvSeries data) {
    return split == Split.ETT ? EttEvaluation.DEFAULT_TARGET : data.columns()[0];
  }

  /** The median step between rows (robust to NAB's gaps and repeated timestamps). */
  static long stepMillis(CsvSeries data) {
    long[] ts = data.timestampsMs();
    if (ts.length < 2) {
      throw new IllegalArgumentException("a CSV needs at least two rows to tell its step");
    }
    long[] d = new long[ts.length - 1];
    for (int i = 1; i < ts.length; i++) {
      d[i - 1] = ts[i] - ts[i - 1];
    }
    Arrays.sort(d);
    long step = d[d.length / 2];
    if (step <= 0) {
      throw new IllegalArgumentException(
          "the timestamps do not increase (median step " + step + " ms)");
    }
    return step;
  }

  /** Rows per day, the seasonal-naive period (24 for hourly data, 288 for 5-minute data). */
  static int seasonPeriod(long stepMs) {
    return (int) Math.max(1, Math.round(DAY_MS / (double) stepMs));
  }

  /** One week of hourly rows for ETT and other hourly-or-coarser data, one day of finer rows. */
  static int defaultEncoder(Split split, long stepMs) {
    return split == Split.ETT || stepMs >= HOUR_MS ? 168 : seasonPeriod(stepMs);
  }

  /** One day of hourly rows for ETT and other hourly-or-coarser data, one hour of finer rows. */
  static int defaultHorizon(Split split, long stepMs) {
    return split == Split.ETT || stepMs >= HOUR_MS ? 24 : (int) Math.max(1, HOUR_MS / stepMs);
  }

  /**
   * Observed reals of a model for the split: the target plus six loads for ETT, the target alone
   * otherwise.
   */
  static int observedReals(Split split) {
    return split == Split.ETT ? EttEvaluation.COLUMNS.size() : 1;
  }

  /**
   * Cuts one CSV by the split; the z-scale statistics come from this file's training rows (see the
   * protocols).
   */
  static OfflineSplit prepare(Split split, Path csv, String target, TftConfig config, long stepMs) {
    if (split == Split.ETT) {
      return EttEvaluation.prepare(csv, target, config);
    }
    return HalfSplitEvaluation.prepare(csv, target, config, seasonPeriod(stepMs));
  }
}
