package org.tftflink.operators.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.online.TrainerHarness.count;
import static org.tftflink.operators.online.TrainerHarness.events;
import static org.tftflink.operators.online.TrainerHarness.feed;
import static org.tftflink.operators.online.TrainerHarness.versions;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.tft.envelope.ModelData;

/**
 * The trainer's state across checkpoints: an update in flight during a snapshot, and restores at
 * another parallelism.
 */
class OnlineTrainerCheckpointTest {

  @BeforeEach
  void clearHeld() {
    TrainerHarness.HELD.clear();
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldRedoAnUpdateInterruptedByACheckpointAndNeverServeTheAbandonedOne(String backend)
      throws Exception {
    var before =
        TrainerHarness.harness(
            TrainerHarness.trainer(TrainerHarness.quick(), false, true), backend, 128, 1, 0);
    before.open();
    feed(before, 10, 20, 0);
    assertThat(TrainerHarness.HELD).hasSize(1); // an update is running
    feed(before, 20, 24, 0); // samples keep flowing meanwhile
    OperatorSubtaskState snapshot = before.snapshot(1, 1);
    // the abandoned update finishes after the checkpoint; its outcome reaches the old mailbox only
    TrainerHarness.runHeld();
    before.close();
    assertThat(versions(before)).isEmpty();

    var after =
        TrainerHarness.harness(
            TrainerHarness.trainer(TrainerHarness.quick(), false, true), backend, 128, 1, 0);
    after.initializeState(snapshot);
    after.open();
    assertThat(versions(after))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.modelVersion()).isEqualTo(1);
              assertThat(m.epoch()).isEqualTo(2);
            });

    feed(after, 24, 34, 0); // due again: enough new samples and time since the lost update began
    assertThat(TrainerHarness.runHeld())
        .as("updates redone; events after the restore: %s", events(after))
        .isEqualTo(1); // the update is redone
    assertThat(TrainerHarness.runMails(after)).isEqualTo(1);

    assertThat(count(events(after), LearningEvent.PROMOTED)).isEqualTo(1);
    ModelData v2 = versions(after).get(1);
    assertThat(v2.modelVersion()).isEqualTo(2);
    assertThat(v2.epoch()).isEqualTo(2);
    after.close();
  }

  private static KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, String, byte[]>
      sharded(int parallelism, int subtask) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            TrainerHarness.trainer(TrainerHarness.quick(), true, false),
            TrainerShards.samples(2),
            TrainerShards.commands(),
            Types.INT,
            128,
            parallelism,
            subtask);
    h.setStateBackend(TrainerHarness.backend("rocksdb"));
    return h;
  }

  private static OperatorSubtaskState repartition(OperatorSubtaskState s, int from, int to, int i) {
    return AbstractStreamOperatorTestHarness.repartitionOperatorState(s, 128, from, to, i);
  }

  private static List<Long> epochs(List<ModelData> ms) {
    return ms.stream().map(ModelData::epoch).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb"})
  void shouldRestoreEveryShardAfterRescalingFromOneToTwoAndBack(String backend) throws Exception {
    // hosts a and b feed different shards (TrainerShards.of), so two learners exist
    assertThat(TrainerShards.of("a", 2)).isNotEqualTo(TrainerShards.of("b", 2));
    var one = sharded(1, 0);
    one.open();
    feed(one, 10, 40, 0);
    assertThat(count(events(one), LearningEvent.PROMOTED)).isGreaterThanOrEqualTo(2);
    OperatorSubtaskState atOne = one.snapshot(1, 1);
    one.close();

    // 1 -> 2: each shard comes back on exactly one subtask, epoch bumped, its version republished
    var two0 = sharded(2, 0);
    var two1 = sharded(2, 1);
    two0.initializeState(repartition(atOne, 1, 2, 0));
    two1.initializeState(repartition(atOne, 1, 2, 1));
    two0.open();
    two1.open();
    List<ModelData> republished = new java.util.ArrayList<>(versions(two0));
    republished.addAll(versions(two1));
    assertThat(republished).hasSize(2);
    assertThat(epochs(republished)).containsOnly(2L);
    OperatorSubtaskState s0 = two0.snapshot(2, 2);
    OperatorSubtaskState s1 = two1.snapshot(2, 2);
    two0.close();
    two1.close();

    // 2 -> 1: both shards on one subtask again, epoch bumped once more
    var back = sharded(1, 0);
    back.initializeState(
        repartition(AbstractStreamOperatorTestHarness.repackageState(s0, s1), 2, 1, 0));
    back.open();
    assertThat(versions(back)).hasSize(2);
    assertThat(epochs(versions(back))).containsOnly(3L);
    assertThat(versions(back))
        .extracting(ModelData::modelVersion)
        .containsExactlyInAnyOrderElementsOf(
            republished.stream().map(ModelData::modelVersion).toList());
    back.close();
  }
}
