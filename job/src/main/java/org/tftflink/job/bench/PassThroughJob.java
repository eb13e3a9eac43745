package org.tftflink.job.bench;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.tftflink.job.config.PipelineConfig;
import org.tftflink.operators.ingest.IngestRecord;
import org.tftflink.operators.ingest.MetricRecordDeserializer;
import org.tftflink.operators.ingest.MetricWatermarks;
import org.tftflink.operators.ingest.RouteDeadLetters;

/**
 * The reference point of the pipeline benchmark: the same source and parsing, a keyBy(host), and
 * each valid event written back to Kafka exactly once; no step grid, no state, no forecast.
 */
final class PassThroughJob {

  private PassThroughJob() {}

  static void build(
      StreamExecutionEnvironment env,
      PipelineConfig config,
      String bootstrap,
      String inTopic,
      String outTopic,
      String groupId) {
    KafkaSource<IngestRecord> source =
        KafkaSource.<IngestRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(inTopic)
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setBounded(OffsetsInitializer.latest())
            .setDeserializer(
                new MetricRecordDeserializer(config.parser(), config.grid().covariates()))
            .build();
    KafkaSink<byte[][]> sink =
        KafkaSink.<byte[][]>builder()
            .setBootstrapServers(bootstrap)
            .setRecordSerializer(
                (KafkaRecordSerializationSchema<byte[][]>)
                    (kv, ctx, ts) -> new ProducerRecord<>(outTopic, kv[0], kv[1]))
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix(groupId)
            .setProperty("transaction.timeout.ms", "600000")
            .setProperty("linger.ms", "20")
            .setProperty("compression.type", "lz4")
            .build();
    env.fromSource(
            source,
            MetricWatermarks.strategy(config.outOfOrderness(), config.idleness()),
            "metrics")
        .process(new RouteDeadLetters())
        .keyBy(p -> p.host)
        .map(p -> new byte[][] {p.host.getBytes(StandardCharsets.UTF_8), p.raw})
        .returns(TypeInformation.of(byte[][].class))
        .sinkTo(sink);
  }
}
