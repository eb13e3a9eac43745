package org.tftflink.operators.ingest;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.tftflink.model.event.EventParser;
import org.tftflink.model.event.EventParserConfig;
import org.tftflink.model.event.MetricEvent;
import org.tftflink.model.event.ParseResult;

/**
 * Turns every record of the {@code metrics} topic into an {@link IngestRecord}: parsed, validated
 * and projected onto the configured columns, or a dead letter with its reason. It never throws on
 * bad input, so one bad message can neither crash nor stall the job.
 */
public class MetricRecordDeserializer implements KafkaRecordDeserializationSchema<IngestRecord> {

  private static final long serialVersionUID = 1L;
  private static final String[] NO_TAGS = new String[0];

  private final EventParserConfig parserConfig;
  private final List<String> covariates;
  private final int maxDeadLetterPayloadBytes;
  private transient EventParser parser;

  public MetricRecordDeserializer(EventParserConfig parserConfig, List<String> covariates) {
    this(parserConfig, covariates, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /**
   * @param maxDeadLetterPayloadBytes dead letters keep at most this many bytes of the message
   *     (bounded here already, so that a 10 MB message does not travel through the job)
   */
  public MetricRecordDeserializer(
      EventParserConfig parserConfig, List<String> covariates, int maxDeadLetterPayloadBytes) {
    if (maxDeadLetterPayloadBytes < 1) {
      throw new IllegalArgumentException(
          "maxDeadLetterPayloadBytes must be positive, got " + maxDeadLetterPayloadBytes);
    }
    this.parserConfig = parserConfig;
    this.covariates = List.copyOf(covariates);
    this.maxDeadLetterPayloadBytes = maxDeadLetterPayloadBytes;
  }

  @Override
  public void open(
      org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext
          context) {
    parser = new EventParser(parserConfig);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestRecord> out) {
    if (parser == null) {
      parser = new EventParser(parserConfig);
    }
    byte[] bytes = record.value() == null ? new byte[0] : record.value();
    ParseResult result = parser.parse(bytes);
    if (result instanceof ParseResult.Valid valid) {
      out.collect(
          IngestRecord.valid(
              project(valid.event(), bytes)
                  .from(record.topic(), record.partition(), record.offset())));
    } else {
      ParseResult.Invalid invalid = (ParseResult.Invalid) result;
      out.collect(
          IngestRecord.invalid(
              new DeadLetter(
                      invalid.reason(),
                      invalid.message(),
                      bytes,
                      record.topic(),
                      record.partition(),
                      record.offset())
                  .boundedTo(maxDeadLetterPayloadBytes)));
    }
  }

  private MetricPoint project(MetricEvent event, byte[] raw) {
    double[] values = new double[1 + covariates.size()];
    values[0] = event.value(parserConfig.targetMetric());
    for (int i = 0; i < covariates.size(); i++) {
      values[i + 1] = event.value(covariates.get(i));
    }
    return new MetricPoint(
        event.host(), event.timestampMillis(), values, flatten(event.tags()), raw);
  }

  static String[] flatten(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return NO_TAGS;
    }
    String[] out = new String[tags.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : new TreeMap<>(tags).entrySet()) {
      out[i++] = e.getKey();
      out[i++] = e.getValue();
    }
    return out;
  }

  @Override
  public TypeInformation<IngestRecord> getProducedType() {
    return TypeInformation.of(IngestRecord.class);
  }
}
