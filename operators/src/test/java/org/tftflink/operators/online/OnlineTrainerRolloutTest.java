package org.tftflink.operators.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.online.TrainerHarness.HORIZON;
import static org.tftflink.operators.online.TrainerHarness.STEP;
import static org.tftflink.operators.online.TrainerHarness.count;
import static org.tftflink.operators.online.TrainerHarness.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.canary.CanaryHosts;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;

/**
 * What the trainer publishes beyond one model: an ensemble's members and weights, and a canary
 * rollout decided on the two groups' live errors, promoted or rolled back, across a restore at the
 * same parallelism and a rescale from one subtask to two.
 */
class OnlineTrainerRolloutTest {

  private static final List<String> HOSTS = List.of("a", "b", "c", "d", "e", "f", "g", "h");
  private static final double SHARE = 0.5;

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

  private static Map<String, String> canary() {
    Map<String, String> o = TrainerHarness.quick();
    o.put("canary_share", String.valueOf(SHARE));
    o.put("canary_period_minutes", "30");
    o.put("canary_min_samples", "4");
    o.put("canary_tolerance", "0.05");
    return o;
  }

  private List<ServingPlan> plans() {
    List<ServingPlan> out = new ArrayList<>();
    for (byte[] b : h.extractOutputValues()) {
      out.add(ServingPlanSerializer.deserialize(b));
    }
    return out;
  }

  private ServingPlan last() {
    List<ServingPlan> p = plans();
    return p.get(p.size() - 1);
  }

  private List<JsonNode> parsed() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : events(h)) {
      out.add(json.readTree(line));
    }
    return out;
  }

  /** Step {@code t}'s samples of every host as the single version 1 served them. */
  private void feedStep(long t) throws Exception {
    for (String host : HOSTS) {
      h.processElement1(
          new StreamRecord<>(TrainerHarness.sample(host, t, 0), (t + 1 + HORIZON) * STEP));
    }
  }

  /** Feeds steps from {@code from} until a version is promoted; returns the last step fed. */
  private long feedUntilPromoted(long from) throws Exception {
    for (long t = from; t < from + 200; t++) {
      feedStep(t);
      if (count(events(h), LearningEvent.PROMOTED) > 0) {
        return t;
      }
    }
    throw new AssertionError("no version promoted");
  }

  /**
   * Step {@code t}'s samples as a canary serves them: canary hosts by {@code canary} with a band
   * {@code canaryError} off the actuals, the others by {@code stable} with the harness's forecast.
   */
  private void feedCanaryStep(long t, long stable, long canary, double canaryError)
      throws Exception {
    for (String host : HOSTS) {
      MaturedSample s = TrainerHarness.sample(host, t, 0);
      boolean inCanary = CanaryHosts.inCanary(host, SHARE);
      double[][] served = s.served();
      if (inCanary) {
        double[] actual = s.sample().futureTarget();
        served = new double[HORIZON][];
        for (int i = 0; i < HORIZON; i++) {
          double p50 = actual[i] + canaryError;
          served[i] = new double[] {p50 - 1, p50, p50 + 1};
        }
      }
      h.processElement1(
          new StreamRecord<>(
              new MaturedSample(host, s.originMs(), s.sample(), served, inCanary ? canary : stable),
              (t + 1 + HORIZON) * STEP));
    }
  }

  private long decisions() {
    return count(events(h), LearningEvent.CANARY_DECIDED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldPublishTheEnsemblesMembersWithTheirWeights(String backend) throws Exception {
    Map<String, String> o = TrainerHarness.quick();
    o.put("strategy", "ensemble");
    o.put("ensemble_size", "2");
    open(o, backend);

    for (long t = 10; t < 120 && count(events(h), LearningEvent.PROMOTED) < 2; t++) {
      feedStep(t);
    }

    assertThat(count(events(h), LearningEvent.PROMOTED)).isGreaterThanOrEqualTo(2);
    ServingPlan plan = last();
    assertThat(plan.hasCanary()).isFalse();
    List<Long> members = plan.stable().members().stream().map(ModelData::modelVersion).toList();
    assertThat(members).hasSize(2).isSortedAccordingTo((x, y) -> Long.compare(y, x));
    assertThat(members.get(0)).isEqualTo(plan.version());
    assertThat(java.util.Arrays.stream(plan.stable().weights()).sum()).isCloseTo(1.0, within());
    // the weights are the learner's, announced with the promotion
    JsonNode promoted =
        parsed().stream()
            .filter(e -> e.get("type").asText().equals(LearningEvent.PROMOTED))
            .reduce((x, y) -> y)
            .orElseThrow();
    assertThat(promoted.at("/details/weights/0").asDouble())
        .isCloseTo(plan.stable().weights()[0], within());
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap"})
  void shouldServeANewVersionToTheCanaryFirstAndPromoteItWhenItsLiveErrorIsNoWorse(String backend)
      throws Exception {
    assertThat(HOSTS).anyMatch(x -> CanaryHosts.inCanary(x, SHARE));
    assertThat(HOSTS).anyMatch(x -> !CanaryHosts.inCanary(x, SHARE));
    open(canary(), backend);
    long t = feedUntilPromoted(10);

    ServingPlan started = last();
    assertThat(started.hasCanary()).isTrue();
    assertThat(started.stable().version()).isEqualTo(1);
    assertThat(started.canary().version()).isEqualTo(2);
    assertThat(started.canaryShare()).isEqualTo(SHARE);
    assertThat(count(events(h), LearningEvent.CANARY_STARTED)).isEqualTo(1);

    for (long u = t + 1; u < t + 60 && decisions() == 0; u++) {
      feedCanaryStep(u, 1, 2, 0.0);
    }

    JsonNode d = decision();
    assertThat(d.at("/details/decision").asText()).isEqualTo("promote");
    assertThat(d.at("/details/canary_loss").asDouble())
        .isLessThan(d.at("/details/stable_loss").asDouble());
    assertThat(d.at("/details/canary_samples").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(d.at("/details/stable_samples").asLong()).isGreaterThanOrEqualTo(4);
    ServingPlan promoted = plans().get(1); // the next update may start another canary after it
    assertThat(promoted.hasCanary()).isFalse();
    assertThat(promoted.version()).isEqualTo(2);
    assertThat(promoted.epoch()).isEqualTo(started.epoch());
    assertNoUpdateDuringTheCanary();
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap"})
  void shouldRollTheCanaryBackWhenItsLiveErrorIsWorseThanTheOtherHosts(String backend)
      throws Exception {
    open(canary(), backend);
    long t = feedUntilPromoted(10);

    for (long u = t + 1; u < t + 60 && decisions() == 0; u++) {
      feedCanaryStep(u, 1, 2, 12.0);
    }

    JsonNode d = decision();
    assertThat(d.at("/details/decision").asText()).isEqualTo("roll_back");
    assertThat(d.at("/details/canary_loss").asDouble())
        .isGreaterThan(d.at("/details/stable_loss").asDouble() * 1.05);
    ServingPlan back = plans().get(1);
    assertThat(back.hasCanary()).isFalse();
    assertThat(back.version()).isEqualTo(3);
    assertThat(back.stable().members().get(0).restoredFrom()).isEqualTo(1);
    assertThat(count(events(h), LearningEvent.ROLLED_BACK)).isEqualTo(1);
    assertNoUpdateDuringTheCanary();
  }

  @ParameterizedTest
  @CsvSource({"heap, 1", "rocksdb, 1", "rocksdb, 2"})
  void shouldRepublishARunningCanaryUnderTheNewEpochAfterARestoreAndStillDecideIt(
      String backend, int parallelismAfter) throws Exception {
    open(canary(), backend);
    long t = feedUntilPromoted(10);
    for (long u = t + 1; u <= t + 4; u++) {
      feedCanaryStep(u, 1, 2, 12.0);
    }
    assertThat(decisions()).isZero();
    ServingPlan before = last();
    OperatorSubtaskState snapshot = h.snapshot(1, 1);
    h.close();

    if (parallelismAfter == 1) {
      h = TrainerHarness.harness(TrainerHarness.trainer(canary(), true, false), backend, 128, 1, 0);
      h.initializeState(snapshot);
      h.open();
    } else {
      rescaleToTwo(snapshot, canary());
    }

    assertThat(plans())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.hasCanary()).isTrue();
              assertThat(p.epoch()).isEqualTo(before.epoch() + 1);
              assertThat(p.canary().version()).isEqualTo(2);
              assertThat(p.stable().version()).isEqualTo(1);
              assertThat(p.canaryShare()).isEqualTo(SHARE);
            });
    for (long u = t + 5; u < t + 60 && decisions() == 0; u++) {
      feedCanaryStep(u, 1, 2, 12.0);
    }
    assertThat(decision().at("/details/decision").asText()).isEqualTo("roll_back");
    assertThat(decision().at("/details/canary_samples").asLong())
        .as("the samples scored before the restore count too: restored, not started over")
        .isGreaterThan(countCanarySamplesAfter(t + 5));
    ServingPlan back = plans().get(1); // the next update may start another canary after it
    assertThat(back.hasCanary()).isFalse();
    assertThat(back.stable().members().get(0).restoredFrom()).isEqualTo(1);
    assertThat(back.epoch()).isEqualTo(before.epoch() + 1);
    assertThat(last().epoch()).isEqualTo(before.epoch() + 1);
  }

  /**
   * Restores {@code snapshot}, taken at parallelism 1, on two subtasks; {@link #h} becomes the one
   * that owns the learner's key (one shard: key 0) and the other must have nothing to publish.
   */
  private void rescaleToTwo(OperatorSubtaskState snapshot, Map<String, String> options)
      throws Exception {
    int owner = KeyGroupRangeAssignment.assignKeyToParallelOperator(0, 128, 2);
    KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, String, byte[]> kept = null;
    for (int i = 0; i < 2; i++) {
      var sub =
          TrainerHarness.harness(
              TrainerHarness.trainer(options, true, false), "rocksdb", 128, 2, i);
      sub.initializeState(
          AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, i));
      sub.open();
      if (i == owner) {
        kept = sub;
      } else {
        assertThat(sub.extractOutputValues()).as("subtask without the learner's key").isEmpty();
        assertThat(events(sub)).isEmpty();
        sub.close();
      }
    }
    h = kept;
  }

  @org.junit.jupiter.api.Test
  void shouldRepublishTheEnsembleWithItsWeightsAfterARescaleFromOneToTwo() throws Exception {
    Map<String, String> o = TrainerHarness.quick();
    o.put("strategy", "ensemble");
    o.put("ensemble_size", "2");
    open(o, "rocksdb");
    for (long t = 10; t < 120 && count(events(h), LearningEvent.PROMOTED) < 2; t++) {
      feedStep(t);
    }
    assertThat(count(events(h), LearningEvent.PROMOTED)).isGreaterThanOrEqualTo(2);
    ServingPlan before = last();
    OperatorSubtaskState snapshot = h.snapshot(1, 1);
    h.close();

    rescaleToTwo(snapshot, o);

    ServingPlan after = plans().get(0);
    assertThat(plans()).hasSize(1);
    assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
    assertThat(after.version()).isEqualTo(before.version());
    assertThat(after.stable().members())
        .extracting(ModelData::modelVersion)
        .containsExactlyElementsOf(
            before.stable().members().stream().map(ModelData::modelVersion).toList());
    assertThat(after.stable().weights()).containsExactly(before.stable().weights());
  }

  /** Canary-host samples fed from step {@code from} on that the decision could have counted. */
  private long countCanarySamplesAfter(long from) throws Exception {
    JsonNode d = decision();
    long decidedAt = d.get("eventTimeMs").asLong();
    long canaryHosts = HOSTS.stream().filter(x -> CanaryHosts.inCanary(x, SHARE)).count();
    long steps = Math.max(0, decidedAt / STEP - from);
    return steps * canaryHosts;
  }

  private JsonNode decision() throws Exception {
    return parsed().stream()
        .filter(e -> e.get("type").asText().equals(LearningEvent.CANARY_DECIDED))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no canary decision"));
  }

  private void assertNoUpdateDuringTheCanary() throws Exception {
    boolean inCanary = false;
    for (JsonNode e : parsed()) {
      String type = e.get("type").asText();
      if (type.equals(LearningEvent.CANARY_STARTED)) {
        inCanary = true;
      } else if (type.equals(LearningEvent.CANARY_DECIDED)) {
        inCanary = false;
      } else if (inCanary) {
        assertThat(type).isNotEqualTo(LearningEvent.UPDATE_STARTED);
      }
    }
  }
}
