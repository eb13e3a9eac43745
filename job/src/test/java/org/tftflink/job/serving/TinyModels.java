package org.tftflink.job.serving;

import java.util.Map;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.serving.ModelFit;

/**
 * Untrained tiny TFT envelopes that fit the job's defaults (cpu only, 5-minute step) at a given
 * horizon.
 */
public final class TinyModels {

  private TinyModels() {}

  public static TftConfig config(int horizon, int encoder) {
    return TftConfig.builder()
        .hiddenSize(4)
        .attentionHeads(1)
        .hiddenContinuousSize(2)
        .encoderLength(encoder)
        .horizon(horizon)
        .observedReals(1)
        .knownReals(2)
        .staticCategoricals(1)
        .hashBuckets(8)
        .staticReals(0)
        .dropout(0.0)
        .dataType("FLOAT")
        .build();
  }

  public static byte[] envelope(TftConfig config, long version, long epoch) {
    TftModel model =
        TftModel.create(config.toBuilder().seed(version).build(), FeatureScaler.identity(config));
    return ModelDataSerializer.serialize(
        ModelData.of(
            model,
            version,
            epoch,
            version - 1,
            ModelData.NONE,
            0,
            Map.of(ModelFit.STEP_MILLIS_FIGURE, 300_000.0),
            Map.of()));
  }
}
