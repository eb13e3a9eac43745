package org.tftflink.model.online.canary;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Optional;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.sample.SampleScores;

/**
 * One canary rollout (the seed's gradual rollout): a newly promoted version serves the hosts of
 * {@link CanaryHosts} while the others keep the stable version, and the matured samples, which
 * carry the version that served them, score both groups' live forecasts. A sample counts if its
 * forecast was issued at or after the start; its loss is the served forecast's mean pinball loss
 * relative to the mean absolute actual (hosts differ in scale, and the two groups are different
 * hosts). The decision comes with the first sample issued a period after the start: promote unless
 * the canary's loss exceeds the stable group's by more than the tolerance, roll back if it does;
 * while either group has fewer than the minimum samples it waits, up to a second period, and then
 * promotes as inconclusive (the gate has already passed the version, and the rollback watch still
 * follows it). Event time only, so replays decide the same.
 */
public final class CanaryRollout {

  private final long canaryVersion;
  private final long stableVersion;
  private final double share;
  private final long startMs;
  private final long periodMs;
  private final int minSamples;
  private final double tolerance;
  private double canarySum;
  private long canaryCount;
  private double stableSum;
  private long stableCount;

  public CanaryRollout(
      long canaryVersion,
      long stableVersion,
      double share,
      long startMs,
      long periodMs,
      int minSamples,
      double tolerance) {
    if (!(share > 0 && share < 1)) {
      throw new IllegalArgumentException("canary share must be in (0, 1), got " + share);
    }
    this.canaryVersion = canaryVersion;
    this.stableVersion = stableVersion;
    this.share = share;
    this.startMs = startMs;
    this.periodMs = periodMs;
    this.minSamples = minSamples;
    this.tolerance = tolerance;
  }

  /** A rollout of {@code canaryVersion} as {@code config} says, starting at {@code startMs}. */
  public static CanaryRollout start(
      OnlineConfig config, long canaryVersion, long stableVersion, long startMs) {
    return new CanaryRollout(
        canaryVersion,
        stableVersion,
        config.canaryShare(),
        startMs,
        config.canaryPeriodMinutes() * 60_000L,
        config.canaryMinSamples(),
        config.canaryTolerance());
  }

  /** The audit line of the start. */
  public LearningEvent startEvent() {
    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("stable_version", stableVersion);
    d.put("share", share);
    d.put("period_minutes", periodMs / 60_000L);
    d.put("min_samples", minSamples);
    return new LearningEvent(LearningEvent.CANARY_STARTED, startMs, canaryVersion, d);
  }

  /** Scores one matured sample; the decision once it is due. */
  public Optional<CanaryDecision> observe(MaturedSample s, SampleScores scores) {
    if (s.originMs() < startMs) {
      return Optional.empty(); // issued before the canary: not evidence about it
    }
    double loss = scores.pinball(s) / Math.max(scores.meanAbsActual(s), 1e-9);
    if (Double.isFinite(loss)) {
      if (s.servedVersion() == canaryVersion) {
        canarySum += loss;
        canaryCount++;
      } else if (s.servedVersion() == stableVersion) {
        stableSum += loss;
        stableCount++;
      }
    }
    if (s.originMs() < startMs + periodMs) {
      return Optional.empty();
    }
    boolean enough = canaryCount >= minSamples && stableCount >= minSamples;
    if (enough) {
      boolean worse = canaryLoss() > stableLoss() * (1 + tolerance);
      return Optional.of(
          decision(
              worse ? CanaryDecision.Outcome.ROLL_BACK : CanaryDecision.Outcome.PROMOTE,
              worse
                  ? "canary loss above the stable group's by more than the tolerance"
                  : "canary loss within the tolerance of the stable group's"));
    }
    if (s.originMs() >= startMs + 2 * periodMs) {
      return Optional.of(
          decision(
              CanaryDecision.Outcome.PROMOTE,
              "inconclusive: fewer than " + minSamples + " samples in a group after two periods"));
    }
    return Optional.empty();
  }

  /** The rollout ended because another version replaced the canary. */
  public CanaryDecision superseded(String why) {
    return decision(CanaryDecision.Outcome.SUPERSEDED, why);
  }

  private CanaryDecision decision(CanaryDecision.Outcome outcome, String reason) {
    return new CanaryDecision(
        outcome,
        reason,
        canaryVersion,
        stableVersion,
        canaryLoss(),
        stableLoss(),
        canaryCount,
        stableCount,
        share,
        tolerance);
  }

  public double canaryLoss() {
    return canaryCount == 0 ? Double.NaN : canarySum / canaryCount;
  }

  public double stableLoss() {
    return stableCount == 0 ? Double.NaN : stableSum / stableCount;
  }

  public long canaryVersion() {
    return canaryVersion;
  }

  public long stableVersion() {
    return stableVersion;
  }

  public double share() {
    return share;
  }

  public long startMs() {
    return startMs;
  }

  public void write(DataOutput out) throws IOException {
    out.writeLong(canaryVersion);
    out.writeLong(stableVersion);
    out.writeDouble(share);
    out.writeLong(startMs);
    out.writeLong(periodMs);
    out.writeInt(minSamples);
    out.writeDouble(tolerance);
    out.writeDouble(canarySum);
    out.writeLong(canaryCount);
    out.writeDouble(stableSum);
    out.writeLong(stableCount);
  }

  public static CanaryRollout read(DataInput in) throws IOException {
    CanaryRollout c =
        new CanaryRollout(
            in.readLong(),
            in.readLong(),
            in.readDouble(),
            in.readLong(),
            in.readLong(),
            in.readInt(),
            in.readDouble());
    c.canarySum = in.readDouble();
    c.canaryCount = in.readLong();
    c.stableSum = in.readDouble();
    c.stableCount = in.readLong();
    return c;
  }
}
