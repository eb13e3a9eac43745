package org.tftflink.job.demo;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT and SIGTERM into an orderly stop: the JVM's shutdown hook tells the demo to stop and
 * holds the JVM until the demo says it has finished (at most {@link #HOLD}, so that the whole stop
 * stays within 30 s whatever state the job is in).
 */
final class DemoStop implements AutoCloseable {

  /** How long a signal waits for the demo to stop its job and print its summary. */
  static final Duration HOLD = Duration.ofSeconds(25);

  /** How long the job may take for its savepoint after a signal, within {@link #HOLD}. */
  static final Duration SAVEPOINT_BUDGET = Duration.ofSeconds(15);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final Thread hook;
  private volatile boolean jobStarted;

  DemoStop() {
    hook =
        new Thread(
            () -> {
              requested.countDown();
              if (!jobStarted) {
                // nothing to stop with a savepoint yet: let the JVM (and the broker) go now
                finished.complete(null);
                return;
              }
              try {
                finished.get(HOLD.toMillis(), TimeUnit.MILLISECONDS);
              } catch (Exception e) {
                System.out.println("tft demo: did not stop within " + HOLD + "; exiting anyway");
              }
            },
            "demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** From now on a signal waits for the demo to stop its job (with a savepoint if it can). */
  void jobStarted() {
    jobStarted = true;
  }

  /** Whether a signal asked the demo to stop. */
  boolean requested() {
    return requested.getCount() == 0;
  }

  /** Waits up to {@code timeout} for a signal; true if one came. */
  boolean await(Duration timeout) throws InterruptedException {
    return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Completes when the demo has finished; other shutdown hooks (the broker's) wait for it. */
  Future<Void> finished() {
    return finished;
  }

  /** Lets a pending signal's JVM exit go on; without a signal, removes the hook. */
  @Override
  public void close() {
    finished.complete(null);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called while the JVM runs its hooks: this one is running and must stay
    }
  }
}
