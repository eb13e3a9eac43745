package org.tftflink.operators.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.online.TrainerHarness.count;
import static org.tftflink.operators.online.TrainerHarness.events;
import static org.tftflink.operators.online.TrainerHarness.feed;
import static org.tftflink.operators.online.TrainerHarness.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.sample.Holdout;
import org.tftflink.model.tft.envelope.ModelData;

/** The trainer operator: promotion, the gate, control commands, the breaker, versions. */
class OnlineTrainerTest {

  private KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, String, byte[]> h;

  @AfterEach
  void tearDown() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  private void open(Map<String, String> overrides, String backend) throws Exception {
    h = TrainerHarness.harness(TrainerHarness.trainer(overrides, true, false), backend, 128, 1, 0);
    h.open();
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldPromoteACandidateThatBeatsTheServedModelAndPublishIt(String backend) throws Exception {
    open(TrainerHarness.quick(), backend);

    feed(h, 10, 40, 0);

    List<ModelData> published = versions(h);
    assertThat(count(events(h), LearningEvent.PROMOTED)).isPositive();
    assertThat(published).isNotEmpty();
    ModelData first = published.get(0);
    assertThat(first.modelVersion()).isEqualTo(2);
    assertThat(first.parentVersion()).isEqualTo(1);
    assertThat(first.epoch()).isEqualTo(1);
    assertThat(published).extracting(ModelData::modelVersion).isSorted();
  }

  /** Training samples far off the series (the hold-out keeps the clean ones). */
  private void feedPoisoned(long from, long to) throws Exception {
    var q = TrainerHarness.config(TrainerHarness.quick());
    Holdout holdout =
        new Holdout(
            q.holdoutShare(), q.holdoutBlockMinutes(), q.holdoutMaxSamples(), 1e6 /* hours */);
    for (long t = from; t < to; t++) {
      for (String host : List.of("a", "b")) {
        MaturedSample clean = TrainerHarness.sample(host, t, 0);
        MaturedSample s = holdout.isHoldout(clean) ? clean : TrainerHarness.poisoned(host, t);
        h.processElement1(
            new StreamRecord<>(s, (t + 1 + TrainerHarness.HORIZON) * TrainerHarness.STEP));
      }
    }
  }

  @Test
  void shouldRejectACandidateTrainedOnAPoisonedBatch() throws Exception {
    open(TrainerHarness.quick(), "heap");

    feedPoisoned(10, 30);

    assertThat(count(events(h), LearningEvent.GATE_FAILED)).isPositive();
    // the learning core's sample screen refuses the batch before training
    assertThat(events(h))
        .filteredOn(e -> e.contains("\"type\":\"gate_failed\""))
        .allMatch(e -> e.contains("\"reason\":\"poisoned_batch\""));
    assertThat(count(events(h), LearningEvent.PROMOTED)).isZero();
    assertThat(versions(h)).isEmpty();
  }

  @Test
  void shouldRollBackOnAControlCommandAsANewVersionRestoredFromTheOldOne() throws Exception {
    open(TrainerHarness.quick(), "heap");
    feed(h, 10, 40, 0);
    long served = versions(h).get(versions(h).size() - 1).modelVersion();

    h.processElement2(new StreamRecord<>("rollback 1", 0));

    ModelData last = versions(h).get(versions(h).size() - 1);
    assertThat(last.modelVersion()).isGreaterThan(served);
    assertThat(last.restoredFrom()).isEqualTo(1);
    assertThat(last.parentVersion()).isEqualTo(served);
    assertThat(count(events(h), LearningEvent.ROLLED_BACK)).isEqualTo(1);
  }

  @Test
  void shouldStartTheNativeMemoryWatcherOfItsJvmWhenOpened() throws Exception {
    open(TrainerHarness.quick(), "heap");

    // on a cluster no CLI runs in the TaskManager's JVM: the operators start the watcher
    assertThat(org.tftflink.model.tft.graph.NativeMemoryGc.running()).isTrue();
  }

  @Test
  void shouldCountAMalformedCommandAndKeepRunning() throws Exception {
    open(TrainerHarness.quick(), "heap");

    h.processElement2(new StreamRecord<>("rollback to yesterday", 0));
    h.processElement2(new StreamRecord<>("", 0));
    feed(h, 10, 40, 0);

    assertThat(count(events(h), LearningEvent.COMMAND_REJECTED)).isEqualTo(2);
    assertThat(count(events(h), LearningEvent.PROMOTED)).isPositive();
  }

  @Test
  void shouldOpenTheBreakerAfterFailedUpdatesAndCloseItAfterTheCooldown() throws Exception {
    Map<String, String> o = TrainerHarness.quick();
    o.put("breaker_max_failures", "2");
    o.put("breaker_cooldown_minutes", "60");
    open(o, "heap");

    feedPoisoned(10, 30);
    feed(h, 30, 70, 0); // clean again, and hours of event time later

    List<JsonNode> events = parsed();
    JsonNode opened = first(events, LearningEvent.BREAKER_OPENED);
    long openedAt = opened.get("eventTimeMs").asLong();
    // two failed updates (refused as poisoned batches, before training), none promoted, then open
    List<String> before =
        events.stream()
            .filter(e -> e.get("eventTimeMs").asLong() <= openedAt)
            .map(e -> e.get("type").asText())
            .toList();
    assertThat(before).filteredOn(LearningEvent.UPDATE_STARTED::equals).hasSize(2);
    assertThat(before).filteredOn(LearningEvent.GATE_FAILED::equals).hasSize(2);
    assertThat(before).doesNotContain(LearningEvent.PROMOTED);
    long closedAt = first(events, LearningEvent.BREAKER_CLOSED).get("eventTimeMs").asLong();
    assertThat(closedAt).isGreaterThanOrEqualTo(openedAt + 60 * 60_000L);
    // no update starts while the breaker is open
    assertThat(
            events.stream()
                .filter(e -> e.get("type").asText().equals(LearningEvent.UPDATE_STARTED))
                .map(e -> e.get("eventTimeMs").asLong())
                .filter(t -> t > openedAt && t < closedAt))
        .isEmpty();
  }

  private List<JsonNode> parsed() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new java.util.ArrayList<>();
    for (String line : events(h)) {
      out.add(json.readTree(line));
    }
    return out;
  }

  private static JsonNode first(List<JsonNode> events, String type) {
    return events.stream()
        .filter(e -> e.get("type").asText().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " event"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldBumpTheEpochAndRepublishTheServedVersionAfterARestore(String backend)
      throws Exception {
    open(TrainerHarness.quick(), backend);
    feed(h, 10, 40, 0);
    ModelData served = versions(h).get(versions(h).size() - 1);
    OperatorSubtaskState snapshot = h.snapshot(1, 1);
    h.close();

    h =
        TrainerHarness.harness(
            TrainerHarness.trainer(TrainerHarness.quick(), true, false), backend, 128, 1, 0);
    h.initializeState(snapshot);
    h.open();

    assertThat(versions(h))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.modelVersion()).isEqualTo(served.modelVersion());
              assertThat(m.epoch()).isEqualTo(served.epoch() + 1);
            });
    feed(h, 40, 70, 0);
    assertThat(versions(h)).allSatisfy(m -> assertThat(m.epoch()).isEqualTo(2));
  }
}
