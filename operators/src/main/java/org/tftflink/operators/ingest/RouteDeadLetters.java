package org.tftflink.operators.ingest;

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

  private transient Counter eventsIn;
  private transient Counter deadLetters;
  private transient LongCounter eventsInTotal;
  private transient LongCounter deadLettersTotal;

  @Override
  public void open(OpenContext openContext) {
    eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
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
      deadLettersTotal.add(1);
      ctx.output(DEAD_LETTERS, record.deadLetter);
    }
  }
}
