package org.tftflink.operators.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.Served;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;

/** What the trainer writes for one model, an ensemble, and an ensemble in canary. */
class ServingPlansTest {

  private final ModelData initial =
      ModelDataSerializer.deserialize(TrainerHarness.initialEnvelope());
  private final TftWeights w = TftWeights.of(initial);
  private final ServingPlans plans = new ServingPlans(new VersionEnvelopes(initial));

  @Test
  void shouldWriteOneModelAsItsPlainEnvelopeWithItsLineage() {
    byte[] bytes =
        plans.write(
            new Served<>(List.of(4L), List.of(w), new double[] {1}),
            null,
            0,
            2,
            3,
            1,
            99,
            Map.of("holdout_loss", 0.5));

    ModelData m = ModelDataSerializer.deserialize(bytes); // readable as before plans
    assertThat(m.modelVersion()).isEqualTo(4);
    assertThat(m.epoch()).isEqualTo(2);
    assertThat(m.parentVersion()).isEqualTo(3);
    assertThat(m.restoredFrom()).isEqualTo(1);
    assertThat(m.validationFigures()).containsEntry("holdout_loss", 0.5);
  }

  @Test
  void shouldWriteAnEnsembleInCanaryBesideTheStableEnsemble() {
    Served<TftWeights> stable = new Served<>(List.of(3L, 2L), List.of(w, w), new double[] {.6, .4});
    Served<TftWeights> canary = new Served<>(List.of(4L, 3L), List.of(w, w), new double[] {.7, .3});

    ServingPlan plan =
        ServingPlanSerializer.deserialize(plans.write(stable, canary, 0.1, 5, 3, -1, 99, Map.of()));

    assertThat(plan.version()).isEqualTo(4);
    assertThat(plan.epoch()).isEqualTo(5);
    assertThat(plan.canaryShare()).isEqualTo(0.1);
    assertThat(plan.stable().members()).extracting(ModelData::modelVersion).containsExactly(3L, 2L);
    assertThat(plan.canary().members()).extracting(ModelData::modelVersion).containsExactly(4L, 3L);
    assertThat(plan.canary().weights()).containsExactly(0.7, 0.3);
    assertThat(plan.canary().members().get(0).parentVersion()).isEqualTo(3);
    assertThat(plan.canary().members().get(1).parentVersion()).isEqualTo(ModelData.NONE);
    assertThat(plan.allMembers()).allSatisfy(m -> assertThat(m.epoch()).isEqualTo(5));
  }
}
