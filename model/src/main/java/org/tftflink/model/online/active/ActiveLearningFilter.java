package org.tftflink.model.online.active;

import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.SampleScores;

/**
 * With {@code active_learning}, only samples whose served forecast was uncertain (relative P10-P90
 * width above {@code uncertainty_threshold}) or wrong (an actual outside the band by more than
 * {@code uncertainty_threshold}, relative to the forecast level) train; it counts what it skips so
 * the report can state the share.
 */
public final class ActiveLearningFilter {
  private final boolean enabled;
  private final double threshold;
  private final SampleScores scores;
  private long seen;
  private long skipped;

  public ActiveLearningFilter(boolean enabled, double threshold, SampleScores scores) {
    this.enabled = enabled;
    this.threshold = threshold;
    this.scores = scores;
  }

  /** Whether this sample trains; every call counts as seen. */
  public boolean accept(MaturedSample s) {
    seen++;
    if (!enabled) {
      return true;
    }
    boolean informative =
        scores.relativeBandWidth(s) > threshold || scores.outsideBand(s) > threshold;
    if (!informative) {
      skipped++;
    }
    return informative;
  }

  public long seen() {
    return seen;
  }

  public long skipped() {
    return skipped;
  }

  /** Skipped share of the samples seen (0 when none seen). */
  public double skippedShare() {
    return seen == 0 ? 0 : (double) skipped / seen;
  }

  /** Restores the counters from a snapshot. */
  public void restoreCounts(long seen, long skipped) {
    this.seen = seen;
    this.skipped = skipped;
  }
}
