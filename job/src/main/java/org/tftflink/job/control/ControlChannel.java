package org.tftflink.job.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.control.Command;

/**
 * An operator's line to the running trainer: sends one command to {@code tft-control} and waits for
 * the trainer's answer on {@code tft-model-events} (a {@code command_applied} or {@code
 * command_rejected} line naming the command), with what the command caused after it (a {@code
 * rolled_back} line and its new version, for instance). What {@code ./tft control} and the in-place
 * rollback runbook use.
 */
public final class ControlChannel {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> client;
  private final String controlTopic;
  private final String eventsTopic;

  /**
   * @param client Kafka client settings, {@code bootstrap.servers} and security included
   */
  public ControlChannel(Map<String, Object> client, String controlTopic, String eventsTopic) {
    this.client = Map.copyOf(client);
    this.controlTopic = controlTopic;
    this.eventsTopic = eventsTopic;
  }

  /** The trainer's answer to one command, and the audit lines that followed it. */
  public record Answer(String command, boolean applied, String reason, List<JsonNode> lines) {

    /** The first line of {@code type} in the answer, if any (e.g. {@code rolled_back}). */
    public Optional<JsonNode> line(String type) {
      return lines.stream().filter(l -> l.path("type").asText().equals(type)).findFirst();
    }
  }

  /**
   * Validates {@code line} as the trainer would, sends it, and waits up to {@code wait} for the
   * answer; empty when none came (the trainer is not running, is busy with an update in sync mode,
   * or listens on other topics).
   *
   * @throws IllegalArgumentException if {@code line} is not a command (nothing is sent)
   */
  public Optional<Answer> send(String line, Duration wait) throws Exception {
    Command command = Command.parse(line); // the trainer's own parser: refuse before sending
    String text = render(command);
    try (KafkaConsumer<byte[], byte[]> events = new KafkaConsumer<>(consumerSettings())) {
      List<TopicPartition> partitions = new ArrayList<>();
      events
          .partitionsFor(eventsTopic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(eventsTopic, p.partition())));
      events.assign(partitions);
      events.seekToEnd(partitions); // only answers to this command, not older ones
      partitions.forEach(events::position);
      sendLine(text);
      return await(events, text, wait);
    }
  }

  private void sendLine(String text) throws Exception {
    Map<String, Object> settings = new HashMap<>(client);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings)) {
      producer.send(new ProducerRecord<>(controlTopic, text)).get(60, TimeUnit.SECONDS);
    }
  }

  private Optional<Answer> await(KafkaConsumer<byte[], byte[]> events, String text, Duration wait)
      throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    List<JsonNode> lines = new ArrayList<>();
    Answer answer = null;
    long settleUntil = Long.MAX_VALUE;
    while (System.nanoTime() < Math.min(deadline, settleUntil)) {
      for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(200))) {
        JsonNode line = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
        String type = line.path("type").asText();
        String about = line.path("details").path("command").asText("");
        if (answer == null
            && about.equals(text)
            && (type.equals(LearningEvent.COMMAND_APPLIED)
                || type.equals(LearningEvent.COMMAND_REJECTED))) {
          boolean applied = type.equals(LearningEvent.COMMAND_APPLIED);
          answer =
              new Answer(text, applied, line.path("details").path("reason").asText(null), lines);
          // the lines the command caused are committed with its answer: read what is there
          settleUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
        lines.add(line);
      }
    }
    return Optional.ofNullable(answer);
  }

  /** The command as the trainer's audit names it: verb and version, single-spaced. */
  static String render(Command c) {
    return c.version() > 0 ? c.verb() + " " + c.version() : c.verb();
  }

  private Map<String, Object> consumerSettings() {
    Map<String, Object> settings = new HashMap<>(client);
    settings.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    settings.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return settings;
  }
}
