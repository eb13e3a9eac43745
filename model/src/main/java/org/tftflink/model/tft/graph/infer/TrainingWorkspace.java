package org.tftflink.model.tft.graph.infer;

import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs one Java forward-backward pass with its intermediate arrays (activations kept for the
 * backward pass, their gradients) in one ND4J workspace per thread, and copies the gradients out of
 * it, as {@link ForwardWorkspace} does for inference.
 *
 * <p>Why: a pass over 64 windows creates about a thousand arrays of up to 13 MB; each fresh native
 * buffer is zeroed or first touched page by page, and freed only after the collector has found it
 * dead through javacpp's references, which let the resident memory of a training step wander over
 * 1.5-2 GB under its caps. The workspace is one block, sized on the first pass and reused, which
 * both bounds the step's native memory and removes the per-buffer costs.
 *
 * <p>Arrays that must outlive a pass (scratch buffers, caches) are created with {@link
 * ForwardWorkspace#outside}.
 */
public final class TrainingWorkspace {
  private static final String ID = "tft-training";

  private static final WorkspaceConfiguration CONFIG =
      WorkspaceConfiguration.builder()
          .initialSize(0)
          .policyAllocation(AllocationPolicy.OVERALLOCATE)
          .overallocationLimit(0.1)
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policyReset(ResetPolicy.BLOCK_LEFT)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private TrainingWorkspace() {}

  /** Runs {@code pass} in this thread's workspace; the arrays it returns are copied out of it. */
  public static Map<String, INDArray> run(Supplier<Map<String, INDArray>> pass) {
    return ForwardWorkspace.detached(CONFIG, ID, pass);
  }
}
