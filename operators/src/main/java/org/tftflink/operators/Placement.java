package org.tftflink.operators;

import org.apache.flink.api.common.operators.SlotSharingGroup;

/**
 * Where operators run on a cluster with a CPU and a GPU TaskManager pool (k8s/README.md): inference
 * stays in Flink's default slot sharing group on the CPU pool; the online trainer goes in the
 * {@link #TRAINER_SLOT_SHARING_GROUP} group, whose slots require the {@link #GPU_RESOURCE} external
 * resource that only the GPU pool's TaskManagers declare. Kept here so that the trainer, the
 * manifests and their tests use one set of names.
 */
public final class Placement {

  /** Slot sharing group of the online trainer (with the job option trainer.gpus above 0). */
  public static final String TRAINER_SLOT_SHARING_GROUP = "trainer";

  /**
   * Flink's external resource name of a GPU: a GPU TaskManager sets {@code external-resources} to
   * this name and {@code external-resource.gpu.amount} to its GPU count.
   */
  public static final String GPU_RESOURCE = "gpu";

  private Placement() {}

  /**
   * The trainer's slot sharing group: {@code gpus} GPUs plus the CPU and memory one training slot
   * needs. Flink 2 schedules with its fine-grained slot manager always (the 1.x switch {@code
   * cluster.fine-grained-resource-management.enabled} is gone), so the requirement holds as is.
   */
  public static SlotSharingGroup trainerGroup(
      double cpuCores, int taskHeapMb, int offHeapMb, int managedMb, double gpus) {
    if (gpus <= 0) {
      throw new IllegalArgumentException(
          "the trainer needs at least one GPU, got " + gpus + " (k8s/README.md: placement)");
    }
    return SlotSharingGroup.newBuilder(TRAINER_SLOT_SHARING_GROUP)
        .setCpuCores(cpuCores)
        .setTaskHeapMemoryMB(taskHeapMb)
        .setTaskOffHeapMemoryMB(offHeapMb)
        .setManagedMemoryMB(managedMb)
        .setExternalResource(GPU_RESOURCE, gpus)
        .build();
  }
}
