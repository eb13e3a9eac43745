package org.tftflink.job;

import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.tftflink.job.config.ModelSigningKey;
import org.tftflink.job.config.OnlineSettings;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.PipelineConfig;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.KafkaClients;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.tft.envelope.ModelSignature;
import org.tftflink.operators.Placement;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.IngestRecord;
import org.tftflink.operators.ingest.MetricRecordDeserializer;
import org.tftflink.operators.online.TrainerConfig;
import org.tftflink.operators.online.TrainingExecutor;
import org.tftflink.operators.sink.DeadLetterRecordSerializer;
import org.tftflink.operators.sink.ForecastRecordSerializer;

/**
 * Builds the {@link ForecastJob} on Kafka: the metrics and model sources and the exactly-once
 * sinks; with learning, also the control source and the exactly-once sinks of versions (to the
 * model topic) and audit lines.
 */
public final class KafkaPipeline {

  /**
   * Kafka's broker caps transactions at 15 minutes by default, while Flink's producer asks for an
   * hour; a transaction must also outlive a checkpoint interval plus recovery.
   */
  static final String TRANSACTION_TIMEOUT_MS = "600000";

  private KafkaPipeline() {}

  /**
   * The job reading and writing Kafka at {@code bootstrap}; {@code bounded} stops at the offsets
   * current at start.
   */
  public static ForecastJob create(Settings settings, String bootstrap, boolean bounded) {
    return create(settings, bootstrap, bounded, null);
  }

  /**
   * As {@link #create(Settings, String, boolean)}, with the online trainer when learning is on and
   * a first model is known ({@code initialModel}, else the file of {@code online.initial_model}).
   */
  public static ForecastJob create(
      Settings settings, String bootstrap, boolean bounded, byte[] initialModel) {
    ForecastJob job = serving(settings, bootstrap, bounded);
    TrainerConfig trainer = OnlineSettings.trainer(settings, initialModel);
    if (trainer == null) {
      return job;
    }
    job.withLearning(learning(settings, bootstrap, bounded, trainer));
    int gpus = settings.get(Options.TRAINER_GPUS);
    if (gpus > 0) {
      job.withTrainerPlacement(
          Placement.trainerGroup(
              settings.get(Options.TRAINER_SLOT_CPU_CORES),
              settings.get(Options.TRAINER_SLOT_HEAP_MB),
              settings.get(Options.TRAINER_SLOT_OFF_HEAP_MB),
              settings.get(Options.TRAINER_SLOT_MANAGED_MB),
              gpus));
    }
    return job;
  }

  private static ForecastJob.Learning learning(
      Settings settings, String bootstrap, boolean bounded, TrainerConfig trainer) {
    // security (SASL, TLS) and other client settings reach the trainer's clients too
    Properties client = KafkaClients.properties(settings);
    // commands from the end of the topic: an old "rollback 3" must not run again on a new job
    var commands =
        KafkaSource.<String>builder()
            .setBootstrapServers(bootstrap)
            .setProperties(client)
            .setTopics(settings.get(Options.TOPIC_CONTROL))
            .setGroupId(settings.get(Options.GROUP_ID) + "-control")
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST))
            .setValueOnlyDeserializer(new SimpleStringSchema())
            .setProperty("isolation.level", "read_committed");
    if (bounded) {
      commands.setBounded(OffsetsInitializer.latest());
    }
    Properties modelProducer = producerProperties(client);
    Topics.modelProducerSettings().forEach((k, v) -> modelProducer.put(k, String.valueOf(v)));
    KafkaSink<byte[]> versions =
        KafkaSink.<byte[]>builder()
            .setBootstrapServers(bootstrap)
            .setRecordSerializer(
                KafkaRecordSerializationSchema.<byte[]>builder()
                    .setTopic(settings.get(Options.TOPIC_MODELS))
                    .setValueSerializationSchema(
                        new Envelopes(ModelSigningKey.load(settings).orElse(null)))
                    .build())
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix(settings.get(Options.GROUP_ID) + "-models")
            .setKafkaProducerConfig(modelProducer)
            .build();
    KafkaSink<String> events =
        KafkaSink.<String>builder()
            .setBootstrapServers(bootstrap)
            .setRecordSerializer(
                KafkaRecordSerializationSchema.<String>builder()
                    .setTopic(settings.get(Options.TOPIC_MODEL_EVENTS))
                    .setValueSerializationSchema(new SimpleStringSchema())
                    .build())
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix(settings.get(Options.GROUP_ID) + "-model-events")
            .setKafkaProducerConfig(producerProperties(client))
            .build();
    return new ForecastJob.Learning(trainer, commands.build(), versions, events)
        .withExecutor(TrainingExecutor.singleThread(settings.get(Options.TRAINING_NICE)))
        .withShards(settings.get(Options.TRAINER_SHARDS));
  }

  /**
   * Model envelopes go out signed with the model signing key when one is configured (inference may
   * require signatures: the trainer's versions must pass as the published ones do), else as they
   * are.
   */
  private static final class Envelopes implements SerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;
    private final byte[] key;

    Envelopes(byte[] key) {
      this.key = key;
    }

    @Override
    public byte[] serialize(byte[] envelope) {
      return key == null ? envelope : ModelSignature.sign(envelope, key);
    }
  }

  private static ForecastJob serving(Settings settings, String bootstrap, boolean bounded) {
    PipelineConfig config = PipelineConfig.from(settings);
    int dlqPayload = settings.get(Options.DLQ_MAX_PAYLOAD_BYTES);
    // security (SASL, TLS) and other client settings first: the job's own settings below win
    Properties client = KafkaClients.properties(settings);
    var source =
        KafkaSource.<IngestRecord>builder()
            .setBootstrapServers(bootstrap)
            .setProperties(client)
            .setTopics(settings.get(Options.TOPIC_METRICS))
            .setGroupId(settings.get(Options.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(
                new MetricRecordDeserializer(
                    config.parser(), config.grid().covariates(), dlqPayload))
            .setProperty("isolation.level", "read_committed");
    // No fetch limit to raise for big messages: a consumer returns a batch larger than
    // max.partition.fetch.bytes when it is the first one, so a 10 MB record cannot stall the
    // source (HugeMessagesEndToEndTest); the parser then dead-letters it as oversize.
    // Every version from the start of the topic: a fresh job picks the newest; a restored one
    // resumes from its saved offset and applies the timeline rule. Only committed transactions.
    var models =
        KafkaSource.<byte[]>builder()
            .setBootstrapServers(bootstrap)
            .setProperties(client)
            .setTopics(settings.get(Options.TOPIC_MODELS))
            .setGroupId(settings.get(Options.GROUP_ID) + "-models")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(
                KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
            .setProperty("isolation.level", "read_committed");
    Topics.modelConsumerSettings().forEach((k, v) -> models.setProperty(k, String.valueOf(v)));
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
      models.setBounded(OffsetsInitializer.latest());
    }
    KafkaSink<Forecast> forecasts =
        KafkaSink.<Forecast>builder()
            .setBootstrapServers(bootstrap)
            .setRecordSerializer(
                new ForecastRecordSerializer(settings.get(Options.TOPIC_FORECASTS)))
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix(settings.get(Options.GROUP_ID) + "-forecasts")
            .setKafkaProducerConfig(producerProperties(client))
            .build();
    KafkaSink<DeadLetter> deadLetters =
        KafkaSink.<DeadLetter>builder()
            .setBootstrapServers(bootstrap)
            .setRecordSerializer(
                new DeadLetterRecordSerializer(settings.get(Options.TOPIC_DLQ), dlqPayload))
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix(settings.get(Options.GROUP_ID) + "-dlq")
            .setKafkaProducerConfig(deadLetterProducerProperties(client, dlqPayload))
            .build();
    return new ForecastJob(config, source.build(), models.build(), forecasts, deadLetters);
  }

  /**
   * The producer's request limit agrees with the serializer's bound on a record, which is at most 1
   * MiB: what a topic with Kafka's default {@code max.message.bytes} accepts.
   */
  private static Properties deadLetterProducerProperties(Properties client, int maxPayloadBytes) {
    Properties p = producerProperties(client);
    p.setProperty(
        "max.request.size",
        Integer.toString(DeadLetterRecordSerializer.maxRecordBytes(maxPayloadBytes)));
    return p;
  }

  private static Properties producerProperties(Properties client) {
    Properties p = new Properties();
    p.setProperty("linger.ms", "20");
    p.setProperty("compression.type", "lz4");
    p.putAll(client);
    p.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
    return p;
  }
}
