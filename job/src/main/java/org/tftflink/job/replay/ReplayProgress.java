package org.tftflink.job.replay;

import java.time.Duration;

/** Receives the replayer's progress: how many messages were handed to the producer so far. */
@FunctionalInterface
public interface ReplayProgress {

  /** Ignores progress. */
  ReplayProgress NONE = (sent, elapsed) -> {};

  /**
   * Called every {@link Replayer#PROGRESS_EVERY} messages from the replaying thread, and once more
   * when every message is acknowledged.
   *
   * @param sent messages sent so far
   * @param elapsed wall time since the replay started
   */
  void onProgress(long sent, Duration elapsed);
}
