package org.tftflink.model.tft.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.data.FeatureScaler;

/** Serving plans on the model topic: plain envelopes for one model, the wrapper otherwise. */
class ServingPlanSerializerTest {
  private final TftConfig config = TestWindows.tinyConfig().toBuilder().dataType("FLOAT").build();

  private ModelData version(long v, long epoch) {
    TftModel model =
        TftModel.create(config.toBuilder().seed(v).build(), FeatureScaler.identity(config));
    return ModelData.of(model, v, epoch, v - 1, ModelData.NONE, 0, Map.of(), Map.of());
  }

  @Test
  void shouldWriteOneModelForEveryHostAsItsPlainEnvelope() {
    ModelData m = version(4, 2);

    byte[] bytes = ServingPlanSerializer.serialize(ServingPlan.single(m));

    assertThat(bytes).isEqualTo(ModelDataSerializer.serialize(m)); // old readers read it
    assertThat(ServingPlanSerializer.deserialize(bytes).stable().members()).containsExactly(m);
  }

  @Test
  void shouldReadAPlainEnvelopeAsAPlanOfThatModelForEveryHost() {
    ModelData m = version(7, 3);

    ServingPlan plan = ServingPlanSerializer.deserialize(ModelDataSerializer.serialize(m));

    assertThat(plan.epoch()).isEqualTo(3);
    assertThat(plan.version()).isEqualTo(7);
    assertThat(plan.hasCanary()).isFalse();
    assertThat(plan.stable().weights()).containsExactly(1.0);
  }

  @Test
  void shouldRoundTripAnEnsembleWithNormalizedWeights() {
    ServingPlan plan =
        new ServingPlan(
            2,
            5,
            new ServingPlan.Group(List.of(version(5, 2), version(4, 2)), new double[] {3, 1}),
            null,
            0);

    ServingPlan back = ServingPlanSerializer.deserialize(ServingPlanSerializer.serialize(plan));

    assertThat(back.version()).isEqualTo(5);
    assertThat(back.stable().members()).extracting(ModelData::modelVersion).containsExactly(5L, 4L);
    assertThat(back.stable().weights()).containsExactly(0.75, 0.25);
  }

  @Test
  void shouldRoundTripACanaryKnownByItsCanaryVersion() {
    ServingPlan plan =
        new ServingPlan(
            1, 6, ServingPlan.Group.of(version(5, 1)), ServingPlan.Group.of(version(6, 1)), 0.25);

    ServingPlan back = ServingPlanSerializer.deserialize(ServingPlanSerializer.serialize(plan));

    assertThat(back.hasCanary()).isTrue();
    assertThat(back.canaryShare()).isEqualTo(0.25);
    assertThat(back.stable().version()).isEqualTo(5);
    assertThat(back.canary().version()).isEqualTo(6);
    assertThat(back.allMembers()).hasSize(2);
  }

  @Test
  void shouldReadASignedPlan() {
    ServingPlan plan =
        new ServingPlan(
            1, 6, ServingPlan.Group.of(version(5, 1)), ServingPlan.Group.of(version(6, 1)), 0.5);
    byte[] key = new byte[32];

    byte[] signed = ModelSignature.sign(ServingPlanSerializer.serialize(plan), key);

    assertThat(ServingPlanSerializer.deserialize(signed).version()).isEqualTo(6);
  }

  @Test
  void shouldRejectAPlanWhenAnyByteIsCorrupted() {
    byte[] bytes =
        ServingPlanSerializer.serialize(
            new ServingPlan(
                1,
                2,
                new ServingPlan.Group(List.of(version(2, 1), version(1, 1)), new double[] {1, 1}),
                null,
                0));
    for (int i : new int[] {9, 30, bytes.length / 2, bytes.length - 1}) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x10;
      assertThatThrownBy(() -> ServingPlanSerializer.deserialize(bad))
          .as("byte %d", i)
          .isInstanceOf(InvalidModelDataException.class);
    }
    assertThatThrownBy(
            () ->
                ServingPlanSerializer.deserialize(java.util.Arrays.copyOf(bytes, bytes.length - 9)))
        .isInstanceOf(InvalidModelDataException.class);
  }

  @Test
  void shouldRefuseWeightsThatCannotWeightAnEnsemble() {
    List<ModelData> two = List.of(version(2, 1), version(1, 1));
    assertThatThrownBy(() -> new ServingPlan.Group(two, new double[] {1, Double.NaN}))
        .isInstanceOf(InvalidModelDataException.class);
    assertThatThrownBy(() -> new ServingPlan.Group(two, new double[] {0, 0}))
        .isInstanceOf(InvalidModelDataException.class);
    assertThatThrownBy(() -> new ServingPlan.Group(two, new double[] {1}))
        .isInstanceOf(InvalidModelDataException.class);
  }

  @Test
  void shouldRefuseACanaryWithoutAShareInsideZeroAndOne() {
    assertThatThrownBy(
            () ->
                new ServingPlan(
                    1,
                    6,
                    ServingPlan.Group.of(version(5, 1)),
                    ServingPlan.Group.of(version(6, 1)),
                    1.0))
        .isInstanceOf(InvalidModelDataException.class);
  }
}
