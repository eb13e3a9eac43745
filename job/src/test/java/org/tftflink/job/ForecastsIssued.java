package org.tftflink.job;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.tftflink.operators.forecast.HostForecaster;

/** Waits for an unbounded test job's forecasts, by its accumulators. */
final class ForecastsIssued {

  private ForecastsIssued() {}

  /**
   * Returns the accumulators once at least {@code min} forecasts are out and the count has not
   * moved for {@code quiet}; fails after three minutes.
   */
  static Map<String, Object> await(JobClient job, long min, Duration quiet) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long last = -1;
    long stableSince = System.nanoTime();
    while (true) {
      Map<String, Object> acc = job.getAccumulators().get(60, TimeUnit.SECONDS);
      long n = acc.get(HostForecaster.FORECASTS) instanceof Long v ? v : 0;
      if (n != last) {
        last = n;
        stableSince = System.nanoTime();
      }
      if (n >= min && System.nanoTime() - stableSince > quiet.toNanos()) {
        return acc;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the job issued " + n + " of at least " + min + " forecasts: " + acc);
      }
      Thread.sleep(250);
    }
  }
}
