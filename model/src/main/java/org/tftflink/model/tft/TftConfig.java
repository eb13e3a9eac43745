package org.tftflink.model.tft;

import java.util.Arrays;

/**
 * Immutable, validated configuration of one Temporal Fusion Transformer: its sizes, inputs and
 * training settings.
 *
 * <p>{@code observedReals} counts the target (column 0 of every observed row) plus the other
 * observed metrics.
 */
public record TftConfig(
    int hiddenSize,
    int attentionHeads,
    double dropout,
    int hiddenContinuousSize,
    int encoderLength,
    int horizon,
    double[] quantiles,
    int lstmLayers,
    int observedReals,
    int knownReals,
    int staticCategoricals,
    int hashBuckets,
    int staticReals,
    boolean missingIndicators,
    boolean relativeTimeIndex,
    boolean targetScaleInputs,
    double learningRate,
    double gradientClipNorm,
    int batchSize,
    int maxEpochs,
    int earlyStoppingPatience,
    double plateauDecay,
    long seed,
    double targetScaleFloor,
    String dataType) {

  public TftConfig {
    quantiles = quantiles.clone();
    require(hiddenSize >= 2, "hiddenSize must be >= 2, got " + hiddenSize);
    require(
        attentionHeads >= 1 && hiddenSize % attentionHeads == 0,
        "hiddenSize ("
            + hiddenSize
            + ") must be a positive multiple of attentionHeads ("
            + attentionHeads
            + ")");
    require(dropout >= 0 && dropout < 1, "dropout must be in [0,1), got " + dropout);
    require(
        hiddenContinuousSize >= 1,
        "hiddenContinuousSize must be >= 1, got " + hiddenContinuousSize);
    require(encoderLength >= 2, "encoderLength must be >= 2, got " + encoderLength);
    require(horizon >= 1, "horizon must be >= 1, got " + horizon);
    require(quantiles.length >= 1, "at least one quantile is needed");
    for (int i = 0; i < quantiles.length; i++) {
      require(
          quantiles[i] > 0 && quantiles[i] < 1,
          "quantiles must lie in (0,1): " + Arrays.toString(quantiles));
      require(
          i == 0 || quantiles[i] > quantiles[i - 1],
          "quantiles must be strictly increasing: " + Arrays.toString(quantiles));
    }
    require(lstmLayers >= 1, "lstmLayers must be >= 1, got " + lstmLayers);
    require(
        observedReals >= 1,
        "observedReals counts the target, so it must be >= 1, got " + observedReals);
    require(knownReals >= 0, "knownReals must be >= 0, got " + knownReals);
    require(
        knownReals > 0 || relativeTimeIndex,
        "the decoder needs at least one input: set knownReals > 0 or relativeTimeIndex");
    require(staticCategoricals >= 0, "staticCategoricals must be >= 0, got " + staticCategoricals);
    require(hashBuckets >= 2, "hashBuckets must be >= 2, got " + hashBuckets);
    require(staticReals >= 0, "staticReals must be >= 0, got " + staticReals);
    require(learningRate > 0, "learningRate must be > 0, got " + learningRate);
    require(
        gradientClipNorm >= 0,
        "gradientClipNorm must be >= 0 (0 disables clipping), got " + gradientClipNorm);
    require(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
    require(maxEpochs >= 1, "maxEpochs must be >= 1, got " + maxEpochs);
    require(
        earlyStoppingPatience >= 1,
        "earlyStoppingPatience must be >= 1, got " + earlyStoppingPatience);
    require(
        plateauDecay > 0 && plateauDecay <= 1,
        "plateauDecay must be in (0, 1] (1 = off), got " + plateauDecay);
    require(targetScaleFloor > 0, "targetScaleFloor must be > 0, got " + targetScaleFloor);
    require(
        "FLOAT".equals(dataType) || "DOUBLE".equals(dataType),
        "dataType must be FLOAT or DOUBLE, got " + dataType);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid TftConfig: " + message);
    }
  }

  @Override
  public double[] quantiles() {
    return quantiles.clone();
  }

  /** Index of the quantile closest to the median: the anchor of the non-crossing output. */
  public int medianIndex() {
    int best = 0;
    for (int i = 1; i < quantiles.length; i++) {
      if (Math.abs(quantiles[i] - 0.5) < Math.abs(quantiles[best] - 0.5)) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Encoder inputs per step: observed reals, their missing indicators, known reals, relative time
   * index.
   */
  public int encoderVariables() {
    return observedReals * (missingIndicators ? 2 : 1) + knownReals + (relativeTimeIndex ? 1 : 0);
  }

  /** Decoder inputs per step: known reals and the relative time index. */
  public int decoderVariables() {
    return knownReals + (relativeTimeIndex ? 1 : 0);
  }

  /**
   * Static reals fed to the network: the configured ones plus two for the window's target location
   * and scale (zeros when {@link #targetScaleInputs()} is off, so the graph keeps its shape).
   */
  public int staticRealInputs() {
    return staticReals + 2;
  }

  /**
   * All static variables (categoricals and reals) seen by the static variable selection network.
   */
  public int staticVariables() {
    return staticCategoricals + staticRealInputs();
  }

  public int totalLength() {
    return encoderLength + horizon;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The reference configuration of issue 3: hidden 32, 4 heads, encoder 168, horizon 24, 6+1
   * observed, 2 known.
   */
  public static TftConfig reference() {
    return builder().build();
  }

  /**
   * The reference configuration with PyTorch Forecasting's inputs, for like-for-like speed figures
   * against {@code ../shared/bench/pf_tft_bench.py}: the same 10 encoder and 3 decoder variables
   * (no missing indicators, which PF does not have) and no target-scale inputs (PF's default,
   * {@code add_target_scales=False}). It has 90,367 parameters to PF's 79,127; BENCHMARKS.md ("Like
   * with like") and {@code PfParityParameterCountTest} give the difference module by module. {@code
   * ./tft bench model} and {@code ./tft bench serving} both run it, so their ratio is the stream's
   * share of the model's throughput.
   */
  public static TftConfig pfParity() {
    return builder().missingIndicators(false).targetScaleInputs(false).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TftConfig c && toString().equals(c.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "TftConfig[hidden="
        + hiddenSize
        + ", heads="
        + attentionHeads
        + ", dropout="
        + dropout
        + ", hiddenContinuous="
        + hiddenContinuousSize
        + ", encoder="
        + encoderLength
        + ", horizon="
        + horizon
        + ", quantiles="
        + Arrays.toString(quantiles)
        + ", lstmLayers="
        + lstmLayers
        + ", observed="
        + observedReals
        + ", known="
        + knownReals
        + ", staticCat="
        + staticCategoricals
        + ", buckets="
        + hashBuckets
        + ", staticReals="
        + staticReals
        + ", missingIndicators="
        + missingIndicators
        + ", relativeTimeIndex="
        + relativeTimeIndex
        + ", targetScaleInputs="
        + targetScaleInputs
        + ", lr="
        + learningRate
        + ", clip="
        + gradientClipNorm
        + ", batch="
        + batchSize
        + ", maxEpochs="
        + maxEpochs
        + ", patience="
        + earlyStoppingPatience
        + ", plateauDecay="
        + plateauDecay
        + ", seed="
        + seed
        + ", targetScaleFloor="
        + targetScaleFloor
        + ", dataType="
        + dataType
        + "]";
  }

  /** Mutable builder whose defaults are the reference configuration. */
  public static final class Builder {
    private int hiddenSize = 32;
    private int attentionHeads = 4;
    private double dropout = 0.1;
    private int hiddenContinuousSize = 16;
    private int encoderLength = 168;
    private int horizon = 24;
    private double[] quantiles = {0.1, 0.5, 0.9};
    private int lstmLayers = 1;
    private int observedReals = 7;
    private int knownReals = 2;
    private int staticCategoricals = 0;
    private int hashBuckets = 1024;
    private int staticReals = 0;
    private boolean missingIndicators = true;
    private boolean relativeTimeIndex = true;
    private boolean targetScaleInputs = true;
    private double learningRate = 1e-3;
    private double gradientClipNorm = 0.1;
    private int batchSize = 128;
    private int maxEpochs = 10;
    private int earlyStoppingPatience = 3;
    private double plateauDecay = 1.0;
    private long seed = 42;
    private double targetScaleFloor = 1e-3;
    private String dataType = "FLOAT";

    private Builder() {}

    private Builder(TftConfig c) {
      hiddenSize = c.hiddenSize;
      attentionHeads = c.attentionHeads;
      dropout = c.dropout;
      hiddenContinuousSize = c.hiddenContinuousSize;
      encoderLength = c.encoderLength;
      horizon = c.horizon;
      quantiles = c.quantiles();
      lstmLayers = c.lstmLayers;
      observedReals = c.observedReals;
      knownReals = c.knownReals;
      staticCategoricals = c.staticCategoricals;
      hashBuckets = c.hashBuckets;
      staticReals = c.staticReals;
      missingIndicators = c.missingIndicators;
      relativeTimeIndex = c.relativeTimeIndex;
      targetScaleInputs = c.targetScaleInputs;
      learningRate = c.learningRate;
      gradientClipNorm = c.gradientClipNorm;
      batchSize = c.batchSize;
      maxEpochs = c.maxEpochs;
      earlyStoppingPatience = c.earlyStoppingPatience;
      plateauDecay = c.plateauDecay;
      seed = c.seed;
      targetScaleFloor = c.targetScaleFloor;
      dataType = c.dataType;
    }

    public Builder hiddenSize(int v) {
      hiddenSize = v;
      return this;
    }

    public Builder attentionHeads(int v) {
      attentionHeads = v;
      return this;
    }

    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    public Builder hiddenContinuousSize(int v) {
      hiddenContinuousSize = v;
      return this;
    }

    public Builder encoderLength(int v) {
      encoderLength = v;
      return this;
    }

    public Builder horizon(int v) {
      horizon = v;
      return this;
    }

    public Builder quantiles(double... v) {
      quantiles = v.clone();
      return this;
    }

    public Builder lstmLayers(int v) {
      lstmLayers = v;
      return this;
    }

    public Builder observedReals(int v) {
      observedReals = v;
      return this;
    }

    public Builder knownReals(int v) {
      knownReals = v;
      return this;
    }

    public Builder staticCategoricals(int v) {
      staticCategoricals = v;
      return this;
    }

    public Builder hashBuckets(int v) {
      hashBuckets = v;
      return this;
    }

    public Builder staticReals(int v) {
      staticReals = v;
      return this;
    }

    public Builder missingIndicators(boolean v) {
      missingIndicators = v;
      return this;
    }

    public Builder relativeTimeIndex(boolean v) {
      relativeTimeIndex = v;
      return this;
    }

    /**
     * Whether the static covariates see each window's target location and scale (PyTorch
     * Forecasting's add_target_scales). They let the model learn level-specific behaviour, which
     * hurt on ETTh1, whose validation and test levels differ from training.
     */
    public Builder targetScaleInputs(boolean v) {
      targetScaleInputs = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder gradientClipNorm(double v) {
      gradientClipNorm = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder maxEpochs(int v) {
      maxEpochs = v;
      return this;
    }

    public Builder earlyStoppingPatience(int v) {
      earlyStoppingPatience = v;
      return this;
    }

    /**
     * After an epoch without validation improvement, training goes back to the best weights and
     * multiplies the learning rate by this factor; 1 turns it off.
     */
    public Builder plateauDecay(double v) {
      plateauDecay = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder targetScaleFloor(double v) {
      targetScaleFloor = v;
      return this;
    }

    public Builder dataType(String v) {
      dataType = v;
      return this;
    }

    public TftConfig build() {
      return new TftConfig(
          hiddenSize,
          attentionHeads,
          dropout,
          hiddenContinuousSize,
          encoderLength,
          horizon,
          quantiles,
          lstmLayers,
          observedReals,
          knownReals,
          staticCategoricals,
          hashBuckets,
          staticReals,
          missingIndicators,
          relativeTimeIndex,
          targetScaleInputs,
          learningRate,
          gradientClipNorm,
          batchSize,
          maxEpochs,
          earlyStoppingPatience,
          plateauDecay,
          seed,
          targetScaleFloor,
          dataType);
    }
  }
}
