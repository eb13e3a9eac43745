package org.tftflink.job;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.tftflink.operators.forecast.HostForecaster;

/** Waits until an unbounded test job has taken in its input and stopped producing forecasts. */
public final class JobQuiet {

  private JobQuiet() {}

  /**
   * Returns once the job has accepted {@code events} and its forecast count has not moved for
   * {@code quiet} (a few watermark intervals); fails after three minutes.
   */
  public static void await(JobClient job, long events, Duration quiet) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long lastForecasts = -1;
    long stableSince = System.nanoTime();
    while (true) {
      Map<String, Object> acc = job.getAccumulators().get(10, TimeUnit.SECONDS);
      long accepted = acc.get(HostForecaster.ACCEPTED) instanceof Long n ? n : 0;
      long forecasts = acc.get(HostForecaster.FORECASTS) instanceof Long n ? n : 0;
      if (forecasts != lastForecasts) {
        lastForecasts = forecasts;
        stableSince = System.nanoTime();
      }
      if (accepted >= events && System.nanoTime() - stableSince > quiet.toNanos()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the job accepted " + accepted + " of " + events + " events in 3 minutes");
      }
      Thread.sleep(250);
    }
  }
}
