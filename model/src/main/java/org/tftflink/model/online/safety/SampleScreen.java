package org.tftflink.model.online.safety;

import java.util.Arrays;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.tft.TrainingSample;

/**
 * Screens matured samples for poisoned or implausible data before they can train anything: a sample
 * is suspect when one of its target values (history or actuals) is absurd for the scale the served
 * model knows (more than {@code screen_max_deviation} of its target standard deviations from its
 * target mean, or infinite), or when its actuals hold a run of {@code screen_constant_steps}
 * exactly equal values that lies more than {@code screen_constant_deviation} robust scales (1.4826
 * MAD) from the median of a history that varied (a stuck or faked feed). Pure: the verdict depends
 * on the sample and the model's scale only, so replays and restores decide the same.
 */
public final class SampleScreen {
  /** A target value far outside the served model's scale. */
  public static final String ABSURD = "absurd_value";

  /** A run of identical actuals far from a history that varied. */
  public static final String STUCK = "stuck_value";

  /** The gate_failed reason of an update refused for its share of suspect samples. */
  public static final String POISONED_BATCH = "poisoned_batch";

  /** MAD to standard deviation for a normal distribution. */
  private static final double MAD_TO_STD = 1.4826;

  private final double maxDeviation;
  private final int constantSteps;
  private final double constantDeviation;

  /**
   * The target's centre and spread the served model was fitted on, in original units (the TFT: its
   * feature scaler's global target mean and standard deviation).
   *
   * @param centre the target mean
   * @param spread the target standard deviation; NaN when the model knows none
   */
  public record Scale(double centre, double spread) {
    public static final Scale UNKNOWN = new Scale(Double.NaN, Double.NaN);

    boolean known() {
      return Double.isFinite(centre) && Double.isFinite(spread) && spread > 0;
    }
  }

  /**
   * @param maxDeviation absurd beyond this many model spreads from the model centre (0 = off)
   * @param constantSteps the length of a run of equal actuals that is suspect (0 = off)
   * @param constantDeviation how many robust history scales the run must lie from the history
   */
  public SampleScreen(double maxDeviation, int constantSteps, double constantDeviation) {
    this.maxDeviation = maxDeviation;
    this.constantSteps = constantSteps;
    this.constantDeviation = constantDeviation;
  }

  public static SampleScreen of(OnlineConfig c) {
    return new SampleScreen(
        c.screenMaxDeviation(), c.screenConstantSteps(), c.screenConstantDeviation());
  }

  /** Why {@code s} is suspect ({@link #ABSURD} or {@link #STUCK}), or null if it is plausible. */
  public String suspect(TrainingSample s, Scale model) {
    double[] history = s.window().targetHistory();
    double[] actuals = s.futureTarget();
    if (absurd(history, model) || absurd(actuals, model)) {
      return ABSURD;
    }
    if (stuck(history, actuals, model)) {
      return STUCK;
    }
    return null;
  }

  private boolean absurd(double[] values, Scale model) {
    for (double v : values) {
      if (maxDeviation == 0 || Double.isNaN(v)) {
        continue; // off, or a missing value
      }
      if (Double.isInfinite(v)
          || (model.known() && Math.abs(v - model.centre()) > maxDeviation * model.spread())) {
        return true;
      }
    }
    return false;
  }

  private boolean stuck(double[] history, double[] actuals, Scale model) {
    if (constantSteps == 0 || constantSteps > actuals.length) {
      return false;
    }
    double[] h = finite(history);
    if (h.length < 2 || h[0] == h[h.length - 1]) {
      return false; // no history, or a constant one: a constant series may stay constant
    }
    double median = median(h);
    double[] dev = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      dev[i] = Math.abs(h[i] - median);
    }
    // a mostly flat history has MAD 0: floor the scale so that rounding noise is no deviation
    double floor = model.known() ? 1e-3 * model.spread() : 1e-9 * Math.max(Math.abs(median), 1);
    double scale = Math.max(MAD_TO_STD * median(dev), floor);
    int run = 0;
    for (int t = 0; t < actuals.length; t++) {
      boolean same = t > 0 && !Double.isNaN(actuals[t]) && actuals[t] == actuals[t - 1];
      run = Double.isNaN(actuals[t]) ? 0 : same ? run + 1 : 1;
      if (run >= constantSteps && Math.abs(actuals[t] - median) > constantDeviation * scale) {
        return true;
      }
    }
    return false;
  }

  /** The finite values, sorted. */
  private static double[] finite(double[] v) {
    return Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
