package org.tftflink.job.config;

import java.io.Serializable;
import java.time.Duration;
import org.tftflink.model.baseline.BaselineConfig;
import org.tftflink.model.event.EventParserConfig;
import org.tftflink.model.grid.StepGridConfig;
import org.tftflink.operators.serving.ServingConfig;

/**
 * The immutable configuration the operators get, derived once from {@link Settings}: the parser
 * contract, the step grid, the baseline, the watermark rules and how the TFT is served.
 */
public record PipelineConfig(
    EventParserConfig parser,
    StepGridConfig grid,
    BaselineConfig baseline,
    int minHistorySteps,
    Duration outOfOrderness,
    Duration idleness,
    ServingConfig serving)
    implements Serializable {

  public static PipelineConfig from(Settings s) {
    Duration step = s.get(Options.STEP);
    int season = stepsIn(s.get(Options.SEASON), step, Options.SEASON);
    BaselineConfig baseline =
        new BaselineConfig(
            s.get(Options.HORIZON),
            season,
            s.get(Options.RESIDUAL_WINDOW),
            Math.min(24, s.get(Options.RESIDUAL_WINDOW)),
            s.get(Options.QUANTILES));
    // the ring holds what a matured training sample needs (the model's encoder and the horizon it
    // forecast) and what the baseline needs, whichever is longer
    int capacity =
        Math.max(s.get(Options.ENCODER_LENGTH) + baseline.horizon(), baseline.historySteps());
    StepGridConfig grid =
        new StepGridConfig(
            step,
            s.get(Options.TARGET),
            s.get(Options.COVARIATES),
            s.get(Options.AGGREGATION),
            s.get(Options.DUPLICATES),
            s.get(Options.ALLOWED_LATENESS),
            s.get(Options.MAX_GAP_STEPS),
            capacity);
    EventParserConfig parser =
        EventParserConfig.forTarget(s.get(Options.TARGET))
            .withMaxMessageBytes(s.get(Options.MAX_MESSAGE_BYTES))
            .withMaxHostLength(s.get(Options.MAX_HOST_LENGTH))
            .withMaxFutureSkew(s.get(Options.FUTURE_SKEW));
    ServingConfig serving =
        new ServingConfig(
            s.get(Options.SERVING_BATCH_SIZE),
            s.get(Options.SERVING_FLUSH_INTERVAL),
            s.get(Options.SERVING_TAG_NAMES),
            ModelSigningKey.policy(s),
            s.get(Options.SERVING_MAX_MODELS));
    return new PipelineConfig(
        parser,
        grid,
        baseline,
        s.get(Options.MIN_HISTORY),
        s.get(Options.OUT_OF_ORDERNESS),
        s.get(Options.IDLENESS),
        serving);
  }

  private static int stepsIn(Duration span, Duration step, Option<Duration> option) {
    if (span.toMillis() % step.toMillis() != 0 || span.compareTo(step) < 0) {
      throw new IllegalArgumentException(
          "option "
              + option.name()
              + " ("
              + span
              + ") must be a whole number of grid steps ("
              + step
              + ")");
    }
    return (int) (span.toMillis() / step.toMillis());
  }
}
