package org.tftflink.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.junit.jupiter.api.Test;

/** The trainer's slot sharing group asks for Flink's GPU external resource by its one name. */
class PlacementTest {

  @Test
  void shouldRequireTheGpuExternalResourceInTheTrainerGroup() {
    SlotSharingGroup group = Placement.trainerGroup(2.0, 2048, 1536, 512, 1);

    assertThat(group.getName()).isEqualTo("trainer");
    assertThat(group.getExternalResources()).containsEntry("gpu", 1.0);
    assertThat(group.getCpuCores()).contains(2.0);
    assertThat(group.getTaskHeapMemory()).isPresent();
  }

  @Test
  void shouldRefuseATrainerGroupWithoutAGpu() {
    assertThatThrownBy(() -> Placement.trainerGroup(2.0, 2048, 1536, 512, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one GPU");
  }
}
