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
  public ProducerRecord<byte[], byte[]> serialize(Forecast forecast, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic, null, forecast.issuedAtMillis(), forecast.host().getBytes(StandardCharsets.UTF_8),
        ForecastJson.toJson(forecast));
  }
}
