package org.tftflink.operators.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends valid points on and dead letters to a side output. Counts both (Flink metrics for the web
 * UI, accumulators for the end-of-run summary), so every input message is accounted for.
 */
public class RouteDeadLetters extends ProcessFunction<IngestRecord, MetricPoint> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  public static final String EVENTS_IN = "events_in";
  public static final String PARSE_DEAD_LETTERS = "parse_dead_letters";

  /**
   * Dead letters by reason: metric group {@code reason=<code>}, counter {@code deadLetters}
   * (Prometheus: {@code flink_taskmanager_job_task_operator_reason_deadLetters{reason="..."}}).
   */
  public static final String REASON_GROUP = "reason";

  public static final String BY_REASON = "deadLetters";

  private transient Counter eventsIn;
  private transient Counter deadLetters;
  // one counter per reason code, registered on first use: Prometheus gets a reason label
  private transient Map<String, Counter> deadLettersByReason;
  private transient LongCounter eventsInTotal;
  private transient LongCounter deadLettersTotal;

  @Override
  public void open(OpenContext openContext) {
    eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    deadLettersByReason = new HashMap<>();
    eventsInTotal = getRuntimeContext().getLongCounter(EVENTS_IN);
    deadLettersTotal = getRuntimeContext().getLongCounter(PARSE_DEAD_LETTERS);
  }

  @Override
  public void processElement(IngestRecord record, Context ctx, Collector<MetricPoint> out) {
    eventsIn.inc();
    eventsInTotal.add(1);
    if (record.isValid()) {
      out.collect(record.point);
    } else {
      deadLetters.inc();
      deadLettersByReason
          .computeIfAbsent(
              record.deadLetter.reason,
              r ->
                  getRuntimeContext().getMetricGroup().addGroup(REASON_GROUP, r).counter(BY_REASON))
          .inc();
      deadLettersTotal.add(1);
      ctx.output(DEAD_LETTERS, record.deadLetter);
    }
  }
}
