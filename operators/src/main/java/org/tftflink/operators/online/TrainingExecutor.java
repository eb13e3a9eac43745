package org.tftflink.operators.online;

import java.io.Serializable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Makes the executor on which a trainer subtask runs its updates: by default one daemon thread, so
 * one update runs at a time beside the task thread. Tests supply one they step by hand.
 */
@FunctionalInterface
public interface TrainingExecutor extends Serializable {

  ExecutorService create(String threadName);

  static TrainingExecutor singleThread() {
    return name ->
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }
}
