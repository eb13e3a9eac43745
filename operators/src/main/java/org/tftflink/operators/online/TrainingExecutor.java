package org.tftflink.operators.online;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the executor on which a trainer subtask runs its updates: by default one daemon thread, so
 * one update runs at a time beside the task thread. Tests supply one they step by hand.
 */
@FunctionalInterface
public interface TrainingExecutor extends Serializable {

  /**
   * The default niceness of training threads ({@code training.nice}): the lowest priority. On the
   * two shared cores of {@code ./tft bench online} it took the learning drain's second pair from
   * 0.75-0.79 of the off drain's throughput (nice 10, three runs) to 0.89, the update thread's CPU
   * in the drain from 3.9 to 2.9 s; an idle core still runs an update at full speed.
   */
  int DEFAULT_NICE = 19;

  ExecutorService create(String threadName);

  /** One training thread at {@link #DEFAULT_NICE}. */
  static TrainingExecutor singleThread() {
    return singleThread(DEFAULT_NICE);
  }

  /**
   * One daemon training thread that lowers its own scheduling priority to {@code nice} (0 = leave
   * it) before its first update, so that where it shares cores with the task threads (a CPU
   * TaskManager, the embedded demo) the forecasts get the CPU first and the update takes what is
   * left: forecasts keep flowing at their pace while an update runs, and an idle machine still runs
   * the update at full speed. Java thread priorities are ignored on Linux unless the JVM runs with
   * {@code -XX:ThreadPriorityPolicy=1}, so the thread renices itself ({@code renice} on its own
   * thread id, which any user may do to raise niceness); where that is not possible (no {@code
   * renice}, not Linux) it says so once in the log and runs at normal priority.
   */
  static TrainingExecutor singleThread(int nice) {
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException("training.nice must be in 0..19, got " + nice);
    }
    return name ->
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        Niceness.lowerCurrentThread(nice);
                        r.run();
                      },
                      name);
              t.setDaemon(true);
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            });
  }

  /** Lowers the calling thread's CPU priority on Linux. */
  final class Niceness {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingExecutor.class);

    private Niceness() {}

    /** Sets the calling thread's niceness to {@code nice}; true if it took effect. */
    static boolean lowerCurrentThread(int nice) {
      if (nice == 0) {
        return true;
      }
      Path self = Path.of("/proc/thread-self");
      try {
        String tid = Files.readSymbolicLink(self).getFileName().toString();
        Process p =
            new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          LOG.info(
              "Training thread {} keeps normal priority: renice failed: {}",
              Thread.currentThread().getName(),
              out.trim());
          return false;
        }
        LOG.info(
            "Training thread {} (tid {}) runs at nice {}",
            Thread.currentThread().getName(),
            tid,
            nice);
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        LOG.info(
            "Training thread {} keeps normal priority (no /proc/thread-self or renice: {})",
            Thread.currentThread().getName(),
            e.toString());
        return false;
      }
    }

    /** The calling thread's niceness from /proc (field 19 of its stat), or -100 if unknown. */
    static int currentThread() {
      try {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
      } catch (Exception e) {
        return -100;
      }
    }
  }
}
