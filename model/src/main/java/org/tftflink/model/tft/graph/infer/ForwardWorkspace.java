package org.tftflink.model.tft.graph.infer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.tft.graph.JavaScratch;

/**
 * Runs a Java forward pass with its intermediate arrays in one ND4J workspace per thread, and
 * copies the outputs out of it.
 *
 * <p>Why: a batch-1 forward pass creates several hundred arrays, each with a native buffer that
 * javacpp frees only after the garbage collector has found it dead, through a weak and a phantom
 * reference per buffer. JFR of {@code ./tft bench model -p batch=1}: about 100,000 of each per
 * young collection, collections of 70-100 ms (the whole batch-1 p99), and a third of the calling
 * thread's native time in allocating buffers and registering their deallocators. A workspace is one
 * block, reset after each pass: no buffer, no reference, nothing for the collector.
 *
 * <p>The block grows to the largest pass seen on the thread (spills are reallocated into it on the
 * next pass) and stays with the thread: 2 MB at batch 1, 94 MB at 64 and 370 MB at 256 for the
 * reference configuration. So only passes of at most {@link #MAX_BATCH} windows (the serving
 * batch's default, the trainer's hold-out chunks) use it; a larger one (a serving batch of
 * thousands) allocates as before, so that no thread keeps gigabytes. Arrays that must outlive a
 * pass (caches) are created with {@link #outside}.
 */
public final class ForwardWorkspace {
  /** The largest pass, in windows, that runs in the workspace. */
  public static final long MAX_BATCH = 256;

  private static final String ID = "tft-forward";

  private static final WorkspaceConfiguration CONFIG =
      WorkspaceConfiguration.builder()
          .initialSize(0)
          .policyAllocation(AllocationPolicy.OVERALLOCATE)
          .overallocationLimit(0.2)
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policyReset(ResetPolicy.BLOCK_LEFT)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private ForwardWorkspace() {}

  /**
   * Runs {@code pass} over {@code batch} windows in this thread's workspace when {@code batch <=
   * MAX_BATCH}; the outputs returned are outside of it.
   */
  public static Map<String, INDArray> run(long batch, Supplier<Map<String, INDArray>> pass) {
    // the small-rows loops' Java arrays are reused from pass to pass (JavaScratch)
    if (batch > MAX_BATCH) {
      return JavaScratch.scoped(pass);
    }
    return JavaScratch.scoped(() -> detached(CONFIG, ID, pass));
  }

  /**
   * Runs {@code pass} in this thread's workspace {@code id} of {@code config} and returns its
   * outputs detached (copied out of it).
   */
  static Map<String, INDArray> detached(
      WorkspaceConfiguration config, String id, Supplier<Map<String, INDArray>> pass) {
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, id)) {
      Map<String, INDArray> out = new LinkedHashMap<>();
      pass.get().forEach((name, value) -> out.put(name, value == null ? null : value.detach()));
      return out;
    }
  }

  /** Creates an array that outlives the current pass (a cache), outside of any workspace. */
  public static INDArray outside(Supplier<INDArray> create) {
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      return create.get();
    }
  }
}
