package org.tftflink.operators.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The training thread gives the CPU to the task threads first. */
class TrainingExecutorTest {

  private static int niceOfTrainingThread(TrainingExecutor executors) throws Exception {
    ExecutorService e = executors.create("tft-trainer-test");
    try {
      return e.submit(TrainingExecutor.Niceness::currentThread).get(30, TimeUnit.SECONDS);
    } finally {
      e.shutdownNow();
    }
  }

  @Test
  void theDefaultTrainingThreadShouldRunAtNiceTenBesideTaskThreadsAtZero() throws Exception {
    int before = TrainingExecutor.Niceness.currentThread();
    assertThat(niceOfTrainingThread(TrainingExecutor.singleThread()))
        .isEqualTo(Math.max(before, TrainingExecutor.DEFAULT_NICE));
    // only the training thread: the caller (a task thread) keeps its priority
    assertThat(TrainingExecutor.Niceness.currentThread()).isEqualTo(before);
  }

  @Test
  void niceZeroShouldLeaveThePriorityAndOutOfRangeValuesShouldBeRefused() throws Exception {
    int before = TrainingExecutor.Niceness.currentThread();
    assertThat(niceOfTrainingThread(TrainingExecutor.singleThread(0))).isEqualTo(before);
    assertThat(niceOfTrainingThread(TrainingExecutor.singleThread(19))).isEqualTo(19);
    assertThatThrownBy(() -> TrainingExecutor.singleThread(20))
        .hasMessageContaining("training.nice must be in 0..19");
  }
}
