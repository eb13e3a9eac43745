package org.tftflink.job.demo;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.RouteDeadLetters;

/** The job's own counts, read from its accumulators (they reach the client with heartbeats). */
record JobCounts(long valid, long deadLetters, long duplicates, long late) {

  static JobCounts read(JobClient job) {
    return read(job, new JobCounts(0, 0, 0, 0));
  }

  static JobCounts read(JobClient job, JobCounts previous) {
    try {
      return fromResult(job.getAccumulators().get(5, TimeUnit.SECONDS), previous);
    } catch (Exception e) {
      return previous; // the job is between states; keep the last reading
    }
  }

  static JobCounts fromResult(Map<String, Object> acc, JobCounts previous) {
    if (acc == null || acc.isEmpty()) {
      return previous;
    }
    long late = number(acc, HostForecaster.LATE_EVENTS);
    return new JobCounts(
        number(acc, HostForecaster.ACCEPTED),
        number(acc, RouteDeadLetters.PARSE_DEAD_LETTERS) + late,
        number(acc, HostForecaster.DUPLICATES),
        late);
  }

  private static long number(Map<String, Object> acc, String name) {
    Object v = acc.get(name);
    return v instanceof Number n ? n.longValue() : 0;
  }
}
