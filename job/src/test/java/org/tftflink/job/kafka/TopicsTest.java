package org.tftflink.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tftflink.job.kafka.KafkaTestClients.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class TopicsTest {

  private final EmbeddedKafka kafka = SharedKafka.broker();

  @Test
  void shouldCreateEveryTopicWithItsPartitionsWhenMissing() throws Exception {
    Topics.Names names = EmbeddedKafkaTest.uniqueNames();
    try (Admin admin = admin(kafka)) {
      Set<String> created = Topics.createAll(admin, names);

      List<String> all =
          List.of(
              names.metrics(),
              names.metricsDlq(),
              names.forecasts(),
              names.models(),
              names.modelEvents(),
              names.control());
      assertThat(created).containsExactlyInAnyOrderElementsOf(all);
      Map<String, Integer> partitions =
          admin.describeTopics(all).allTopicNames().get().values().stream()
              .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
      assertThat(partitions)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  names.metrics(), 4,
                  names.metricsDlq(), 1,
                  names.forecasts(), 4,
                  names.models(), 1,
                  names.modelEvents(), 1,
                  names.control(), 1));
    }
  }

  @Test
  void shouldGiveModelsTopicLargeMessagesAndLongRetentionWhenCreated() throws Exception {
    Topics.Names names = EmbeddedKafkaTest.uniqueNames();
    try (Admin admin = admin(kafka)) {
      Topics.createAll(admin, names);

      ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, names.models());
      Config config = admin.describeConfigs(List.of(models)).all().get().get(models);
      assertThat(config.get("max.message.bytes").value())
          .isEqualTo(Integer.toString(64 * 1024 * 1024));
      assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
      assertThat(config.get("retention.ms").value())
          .isEqualTo(Long.toString(30L * 24 * 3600 * 1000));
    }
  }

  @Test
  void shouldLeaveExistingTopicsAloneWhenCreatedTwice() throws Exception {
    Topics.Names names = EmbeddedKafkaTest.uniqueNames();
    try (Admin admin = admin(kafka)) {
      Topics.createAll(admin, names.withMetrics("pre-existing-" + System.nanoTime()));
      Set<String> second = Topics.createAll(admin, names);

      assertThat(second).containsExactly(names.metrics());
      assertThat(Topics.createAll(admin, names)).isEmpty();
    }
  }

  @Test
  void shouldUseDocumentedNamesWhenDefaultsAreTaken() {
    Topics.Names names = Topics.Names.defaults();

    assertThat(
            List.of(
                names.metrics(),
                names.metricsDlq(),
                names.forecasts(),
                names.models(),
                names.modelEvents(),
                names.control()))
        .containsExactly(
            "metrics", "metrics-dlq", "forecasts", "tft-models", "tft-model-events", "tft-control");
    assertThat(names.withControl("ops").control()).isEqualTo("ops");
    assertThat(names.control()).isEqualTo("tft-control");
  }

  @Test
  void shouldRejectNamesWhenBlankOrDuplicated() {
    Topics.Names names = Topics.Names.defaults();

    assertThatThrownBy(() -> names.withForecasts(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forecasts");
    assertThatThrownBy(() -> names.withForecasts("metrics"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distinct");
  }
}
