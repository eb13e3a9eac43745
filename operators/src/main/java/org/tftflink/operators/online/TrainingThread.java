package org.tftflink.operators.online;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;

/**
 * Where a trainer operator trains: with {@code training.mode=sync} inline on the task thread (for
 * replays that must decide the same every time), otherwise on the subtask's one training thread
 * with its own {@link TftModelOps} (a working model is single-threaded), the outcome applied
 * through the operator's mailbox, on the task thread. Operator state so only changes between
 * records, and a checkpoint sees it before or after a training, never half-way: what the operator
 * does with a training still running at a checkpoint (redo it or drop it after restore) is its own
 * choice. Shared by the online trainer ({@link TrainerOperator}) and the federated shards ({@link
 * ShardTrainer}).
 */
final class TrainingThread {

  /** The training itself, given the model to train with (the task's or the thread's own). */
  @FunctionalInterface
  interface Work<R> {
    R run(TftModelOps ops) throws Exception;
  }

  /** What the operator does with a training's outcome, on the task thread. */
  @FunctionalInterface
  interface Completion<R> {
    void accept(R outcome) throws Exception;
  }

  /** One training handed over; its outcome is applied at most once, always on the task thread. */
  static final class Job<R> {
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final Completion<R> completion;
    private boolean settled; // applied or abandoned; task thread only

    private Job(Completion<R> completion) {
      this.completion = completion;
    }

    /** Whether the outcome was applied (always so in sync mode) or the job abandoned. */
    boolean settled() {
      return settled;
    }

    /**
     * Waits for the outcome and applies it now (at the end of a bounded input, whose decisions must
     * not be lost); the mail that follows does nothing.
     */
    void completeNow() throws Exception {
      if (settled) {
        return;
      }
      settled = true;
      completion.accept(outcome());
    }

    /** The outcome is never applied (the operator dropped what the training was for). */
    void abandon() {
      settled = true;
    }

    private void fromMailbox() throws Exception {
      completeNow();
    }

    private R outcome() throws Exception {
      try {
        return result.get();
      } catch (ExecutionException e) {
        // the training thread's failure fails the task, on the task thread
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }
  }

  private final TftModelOps taskOps;
  private final TftWeights initial;
  private final ExecutorService executor; // null in sync mode
  private final MailboxExecutor mailbox;
  private TftModelOps threadOps; // touched only by the training thread

  private TrainingThread(
      TftModelOps taskOps, TftWeights initial, ExecutorService executor, MailboxExecutor mailbox) {
    this.taskOps = taskOps;
    this.initial = initial;
    this.executor = executor;
    this.mailbox = mailbox;
  }

  /**
   * @param taskOps the task thread's model, used in sync mode
   * @param initial what the training thread builds its own model from (on its first training)
   * @param mailbox the operator's mailbox executor; required unless {@code sync}
   */
  static TrainingThread open(
      boolean sync,
      TrainingExecutor executors,
      MailboxExecutor mailbox,
      String threadName,
      TftModelOps taskOps,
      TftWeights initial) {
    if (sync) {
      return new TrainingThread(taskOps, initial, null, null);
    }
    if (mailbox == null) {
      throw new IllegalStateException(
          "training in async mode needs the task's mailbox executor, which Flink sets when it"
              + " creates the operator from its factory; set training.mode=sync otherwise");
    }
    return new TrainingThread(taskOps, initial, executors.create(threadName), mailbox);
  }

  boolean sync() {
    return executor == null;
  }

  /**
   * Runs {@code work} and hands its outcome to {@code completion} on the task thread: before this
   * returns in sync mode, from the mailbox later otherwise (unless the job was settled first).
   */
  <R> Job<R> start(String description, Work<R> work, Completion<R> completion) throws Exception {
    Job<R> job = new Job<>(completion);
    if (executor == null) {
      job.result.complete(work.run(taskOps));
      job.completeNow();
      return job;
    }
    MailboxExecutor completions = mailbox;
    executor.execute(
        () -> {
          try {
            job.result.complete(work.run(threadOps()));
          } catch (Throwable t) {
            job.result.completeExceptionally(t); // rethrown on the task thread: the task fails
          }
          try {
            completions.execute(job::fromMailbox, description);
          } catch (RejectedExecutionException closed) {
            // the task has ended (failover, cancel): the training is abandoned with it
          }
        });
    return job;
  }

  private TftModelOps threadOps() {
    if (threadOps == null) {
      threadOps = new TftModelOps(initial);
    }
    return threadOps;
  }

  void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
