package org.tftflink.job.serving;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * Puts model envelopes on the model topic in a Kafka transaction, so that a reader with {@code
 * read_committed} (the job) sees each message exactly once or not at all. The envelope is checked
 * before it is sent: a file that the job would reject never reaches the topic.
 */
public final class ModelPublisher {

  private ModelPublisher() {}

  /**
   * The envelope of {@code model} with its lineage changed to {@code version} and {@code epoch}.
   */
  public static byte[] relabel(ModelData model, long version, long epoch) {
    return ModelDataSerializer.serialize(
        new ModelData(
            version,
            epoch,
            model.parentVersion(),
            model.restoredFrom(),
            model.createdAtMs(),
            model.trainingFigures(),
            model.validationFigures(),
            model.config(),
            model.weights()));
  }

  /**
   * Publishes one envelope (keyed by its version) and commits; returns the record's offset.
   *
   * @throws org.tftflink.model.tft.envelope.InvalidModelDataException if {@code envelope} is not
   *     intact
   */
  public static long publish(String bootstrap, String topic, byte[] envelope) throws Exception {
    return publish(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, envelope);
  }

  /**
   * {@link #publish(String, String, byte[])} with Kafka client settings (at least {@code
   * bootstrap.servers}; security settings, for instance) under the publisher's own.
   */
  public static long publish(Map<String, Object> clientSettings, String topic, byte[] envelope)
      throws Exception {
    ModelData model = ModelDataSerializer.deserialize(envelope);
    Map<String, Object> settings = new HashMap<>(clientSettings);
    settings.putAll(Topics.modelProducerSettings());
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // one stable id per topic: a new publisher fences a stuck one instead of racing it
    settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tft-publish-" + topic);
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings)) {
      producer.initTransactions();
      producer.beginTransaction();
      RecordMetadata sent =
          producer
              .send(
                  new ProducerRecord<>(
                      topic,
                      Long.toString(model.modelVersion()).getBytes(StandardCharsets.UTF_8),
                      envelope))
              .get(60, TimeUnit.SECONDS);
      producer.commitTransaction();
      return sent.offset();
    }
  }
}
