package org.tftflink.operators.sink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ForecastJson;

/** Writes forecasts as contract JSON, keyed by host so that one host's forecasts stay ordered. */
public class ForecastRecordSerializer implements KafkaRecordSerializationSchema<Forecast> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public ForecastRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      Forecast forecast, KafkaSinkContext context, Long timestamp) {
    // the record timestamp is left to the producer (wall clock): issuedAt is event time, in the
    // JSON,
    // and a replay of old data stamped with it would fall under the topic's retention at once
    return new ProducerRecord<>(
        topic,
        null,
        null,
        forecast.host().getBytes(StandardCharsets.UTF_8),
        ForecastJson.toJson(forecast));
  }
}
