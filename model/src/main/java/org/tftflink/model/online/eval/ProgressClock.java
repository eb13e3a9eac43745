package org.tftflink.model.online.eval;

import java.util.Locale;
import java.util.function.Consumer;

/** Reports progress of a long run every few seconds: strategy, series, step and an ETA. */
final class ProgressClock {
  private static final long EVERY_NANOS = 10_000_000_000L;
  private final Consumer<String> sink;
  private final String strategy;
  private final int total;
  private final long start = System.nanoTime();
  private long last = start;

  ProgressClock(Consumer<String> sink, String strategy, int total) {
    this.sink = sink;
    this.strategy = strategy;
    this.total = total;
  }

  void tick(int done, String series, int row, int events) {
    long now = System.nanoTime();
    if (now - last < EVERY_NANOS || done == 0) {
      return;
    }
    last = now;
    double elapsed = (now - start) / 1e9;
    double eta = elapsed * (total - done) / done;
    sink.accept(
        String.format(
            Locale.ROOT,
            "%s: %s row %d, step %d/%d (%.0f%%), %d learning events, %.0f s elapsed, ETA %.0f s",
            strategy,
            series,
            row,
            done,
            total,
            100.0 * done / total,
            events,
            elapsed,
            eta));
  }
}
