package org.tftflink.job.chaos;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.tftflink.operators.ingest.MetricPoint;

/**
 * A test-only pass-through map before keyBy(host) that kills its task at seeded random records and
 * in the middle of checkpoints, at most a fixed number of times per kind. The count lives in a
 * static registry keyed by run, so that it survives the restarts it causes: it works where the
 * tasks run in the client's JVM (MiniCluster), which is the only place the chaos suite runs it.
 */
public final class FailureInjector
    implements MapFunction<MetricPoint, MetricPoint>, CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  /** Counters of one run, shared by its subtasks and their restarted attempts. */
  static final class Counters {
    final AtomicLong records = new AtomicLong();
    final AtomicLong snapshots = new AtomicLong();
    final AtomicLong recordFaults = new AtomicLong();
    final AtomicLong checkpointFaults = new AtomicLong();
  }

  private static final Map<String, Counters> RUNS = new ConcurrentHashMap<>();

  private final String run;
  private final long[] failAtRecord;
  private final int checkpointFaults;
  private final int checkpointEvery;

  /**
   * @param totalRecords valid events the run sends; record faults fall in its middle 80%
   * @param recordFaults failures at random records
   * @param checkpointFaults failures while snapshotting, one every {@code checkpointEvery}
   *     snapshots
   */
  public FailureInjector(
      String run,
      long seed,
      long totalRecords,
      int recordFaults,
      int checkpointFaults,
      int checkpointEvery) {
    this.run = run;
    Random random = new Random(seed);
    this.failAtRecord =
        random
            .longs(
                recordFaults,
                totalRecords / 10,
                Math.max(totalRecords / 10 + 1, totalRecords * 9 / 10))
            .sorted()
            .toArray();
    this.checkpointFaults = checkpointFaults;
    this.checkpointEvery = checkpointEvery;
    RUNS.put(run, new Counters());
  }

  /** The counters of {@code run}: records seen (replays included) and faults fired by kind. */
  static Counters counters(String run) {
    return RUNS.get(run);
  }

  /** Forgets {@code run}'s counters. */
  static void forget(String run) {
    RUNS.remove(run);
  }

  @Override
  public MetricPoint map(MetricPoint point) {
    Counters c = RUNS.get(run);
    long n = c.records.incrementAndGet();
    long fired = c.recordFaults.get();
    // records seen so far include those replayed after a restart, so every planned point is hit
    if (fired < failAtRecord.length
        && n >= failAtRecord[(int) fired]
        && c.recordFaults.compareAndSet(fired, fired + 1)) {
      throw new IllegalStateException(
          "chaos: injected task failure " + (fired + 1) + " at record " + n);
    }
    return point;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    Counters c = RUNS.get(run);
    if (c.records.get() == 0) {
      return; // a checkpoint of an idle job proves little: fail those taken while data flows
    }
    long s = c.snapshots.incrementAndGet();
    long fired = c.checkpointFaults.get();
    if (fired < checkpointFaults
        && s % checkpointEvery == 0
        && c.checkpointFaults.compareAndSet(fired, fired + 1)) {
      throw new IllegalStateException(
          "chaos: injected failure during checkpoint " + context.getCheckpointId());
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    // no state: the counters must outlive restores, so they are not in Flink's state
  }
}
