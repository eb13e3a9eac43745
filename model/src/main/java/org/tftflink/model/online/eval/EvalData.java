package org.tftflink.model.online.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.EttEvaluation;
import org.tftflink.model.tft.eval.SeriesWindows;

/**
 * Loads CSVs into {@link EvalSeries}: NAB-style series (the first {@code trainShare} of the rows
 * train the frozen model, learning and scoring start right after) and the standard ETT split
 * (training rows train, the learners run from the validation rows on, the test rows are scored).
 */
public final class EvalData {
  private static final long DAY_MS = 86_400_000L;

  private EvalData() {}

  /**
   * A single-target series taken as a grid, rows as they come (NAB's duplicates and gaps stay).
   *
   * @param trainShare share of the rows that train the frozen model, in (0, 1)
   * @param encoder the model's encoder length (scoring starts an encoder and a season in)
   * @param labels labelled anomaly windows, may be empty
   * @param markers drift markers; empty means the starts of the labelled windows
   */
  public static EvalSeries series(
      Path csv,
      String target,
      String host,
      double trainShare,
      int encoder,
      List<long[]> labels,
      List<Long> markers) {
    if (!(trainShare > 0 && trainShare < 1)) {
      throw new IllegalArgumentException("the train share must be in (0, 1), got " + trainShare);
    }
    CsvSeries data = CsvSeries.load(csv);
    double[] y = data.columnValues(data.column(target));
    int rows = y.length;
    int trainEnd = (int) (rows * trainShare);
    int season = seasonPeriod(data.timestampsMs());
    int learnFrom = Math.max(trainEnd, Math.max(encoder, season));
    if (learnFrom >= rows - 1) {
      throw new IllegalArgumentException(
          csv + " has " + rows + " rows: too few to learn and score after row " + learnFrom);
    }
    double[][] observed = new double[rows][1];
    double s = 0;
    double ss = 0;
    int n = 0;
    for (int i = 0; i < rows; i++) {
      observed[i][0] = y[i];
      if (i < trainEnd && !Double.isNaN(y[i])) {
        s += y[i];
        ss += y[i] * y[i];
        n++;
      }
    }
    double mean = n == 0 ? 0 : s / n;
    double std = n == 0 ? 1 : Math.sqrt(Math.max(ss / n - mean * mean, 1e-12));
    long[] ts = monotone(data.timestampsMs());
    return new EvalSeries(
        csv.getFileName().toString(),
        host,
        new String[] {target},
        ts,
        observed,
        SeriesWindows.calendar(ts),
        0,
        1,
        std,
        season,
        trainEnd,
        learnFrom,
        learnFrom,
        labels,
        markers.isEmpty() ? labels.stream().map(w -> w[0]).toList() : markers);
  }

  /**
   * The standard ETT split (data/README.md): every column z-scored with the training rows'
   * statistics, the target first and the six loads after it; rows past the test period are cut.
   */
  public static EvalSeries ett(Path csv, String target, int encoder, List<Long> markers) {
    if (!EttEvaluation.COLUMNS.contains(target)) {
      throw new IllegalArgumentException(
          "the ETT target must be one of " + EttEvaluation.COLUMNS + ", got '" + target + "'");
    }
    CsvSeries data = CsvSeries.load(csv);
    int[] split = EttEvaluation.split(csv);
    if (data.rows() < split[2]) {
      throw new IllegalArgumentException(
          csv + " has " + data.rows() + " rows; the standard ETT split needs " + split[2]);
    }
    List<String> columns = new ArrayList<>(List.of(target));
    EttEvaluation.COLUMNS.stream().filter(c -> !c.equals(target)).forEach(columns::add);
    int rows = split[2];
    double[][] observed = new double[rows][columns.size()];
    double targetMean = 0;
    double targetStd = 1;
    for (int j = 0; j < columns.size(); j++) {
      double[] col = data.columnValues(data.column(columns.get(j)));
      double s = 0;
      double ss = 0;
      for (int i = 0; i < split[0]; i++) {
        s += col[i];
        ss += col[i] * col[i];
      }
      double mean = s / split[0];
      double std = Math.sqrt(ss / split[0] - mean * mean);
      for (int i = 0; i < rows; i++) {
        observed[i][j] = (col[i] - mean) / std;
      }
      if (j == 0) {
        targetMean = mean;
        targetStd = std;
      }
    }
    long[] ts = monotone(Arrays.copyOf(data.timestampsMs(), rows));
    int learnFrom = Math.max(split[0], encoder);
    return new EvalSeries(
        csv.getFileName().toString(),
        csv.getFileName().toString(),
        columns.toArray(new String[0]),
        ts,
        observed,
        SeriesWindows.calendar(ts),
        targetMean,
        targetStd,
        targetStd,
        24 * (split[0] / 8640),
        split[0],
        learnFrom,
        split[1],
        List.of(),
        markers);
  }

  /** Rows per day from the median step (robust to NAB's gaps and repeated timestamps). */
  public static int seasonPeriod(long[] ts) {
    return (int) Math.max(1, Math.round(DAY_MS / (double) medianStep(ts)));
  }

  /** The median step between rows, at least 1 ms. */
  public static long medianStep(long[] ts) {
    if (ts.length < 2) {
      throw new IllegalArgumentException("a series needs at least two rows to tell its step");
    }
    long[] d = new long[ts.length - 1];
    for (int i = 1; i < ts.length; i++) {
      d[i - 1] = ts[i] - ts[i - 1];
    }
    Arrays.sort(d);
    return Math.max(1, d[d.length / 2]);
  }

  /** Event time never steps back (machine_temperature does once): a step back is clamped. */
  static long[] monotone(long[] ts) {
    long[] out = ts.clone();
    for (int i = 1; i < out.length; i++) {
      out[i] = Math.max(out[i], out[i - 1]);
    }
    return out;
  }
}
