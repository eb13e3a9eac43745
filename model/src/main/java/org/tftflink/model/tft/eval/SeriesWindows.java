package org.tftflink.model.tft.eval;

import java.util.ArrayList;
import java.util.List;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

/**
 * Cuts stride-1 windows from aligned per-row arrays: observed reals (target first), known reals;
 * the window for forecast origin {@code o} covers history rows {@code [o-encoder, o)} and horizon
 * rows {@code [o, o+horizon)}.
 */
public final class SeriesWindows {
  private static final long MINUTE_MS = 60_000L;
  private static final long HOUR_MS = 60 * MINUTE_MS;
  private static final long DAY_MS = 24 * HOUR_MS;

  private final TftConfig config;
  private final double[][] observed;
  private final double[][] known;

  public SeriesWindows(TftConfig config, double[][] observed, double[][] known) {
    this.config = config;
    this.observed = observed;
    this.known = known;
  }

  /**
   * Calendar features known in advance: hour of day (with whole minutes as a fraction) and day of
   * week (0 = Monday), in UTC.
   *
   * <p>Plain arithmetic on the epoch milliseconds, the same values as {@code ZonedDateTime} in UTC:
   * a zoned date per timestamp looked up zone rules each time, 12% of a forecasting thread's time
   * in JFR of {@code ./tft bench online}.
   */
  public static double[][] calendar(long[] timestampsMs) {
    double[][] k = new double[timestampsMs.length][2];
    for (int i = 0; i < k.length; i++) {
      long ms = timestampsMs[i];
      long inDay = Math.floorMod(ms, DAY_MS);
      k[i][0] = inDay / HOUR_MS + (inDay % HOUR_MS) / MINUTE_MS / 60.0;
      // 1970-01-01 was a Thursday (3 with Monday = 0)
      k[i][1] = Math.floorMod(Math.floorDiv(ms, DAY_MS) + 3, 7);
    }
    return k;
  }

  public TrainingSample sample(int origin) {
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    double[][] obs = new double[tEnc][];
    for (int t = 0; t < tEnc; t++) {
      obs[t] = observed[origin - tEnc + t].clone();
    }
    double[][] kn = new double[tEnc + tDec][];
    for (int t = 0; t < tEnc + tDec; t++) {
      kn[t] = known[origin - tEnc + t].clone();
    }
    double[] future = new double[tDec];
    for (int t = 0; t < tDec; t++) {
      future[t] = observed[origin + t][0];
    }
    return new TrainingSample(
        new TftWindow(
            obs, kn, new String[config.staticCategoricals()], new double[config.staticReals()]),
        future);
  }

  /** Samples for every origin in {@code [firstOrigin, lastOrigin]}. */
  public List<TrainingSample> samples(int firstOrigin, int lastOrigin) {
    List<TrainingSample> out = new ArrayList<>();
    for (int o = firstOrigin; o <= lastOrigin; o++) {
      out.add(sample(o));
    }
    return out;
  }
}
