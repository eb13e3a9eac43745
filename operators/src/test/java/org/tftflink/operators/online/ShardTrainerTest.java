package org.tftflink.operators.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.federated.ShardLearner;
import org.tftflink.model.online.federated.ShardMessage;
import org.tftflink.model.online.federated.ShardUpdate;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * The federated shards in Flink's keyed two-input harness (hosts a and b are shards 1 and 0, both
 * on one subtask): rounds train on the training thread and leave from the mailbox with the round's
 * watermark held back until then, a round in flight at a checkpoint is redone after the restore,
 * and update-now or a shard's drift starts a round that the aggregator closes and audits.
 */
class ShardTrainerTest {

  private static final long STEP = TrainerHarness.STEP;
  private static final long HOUR = 3_600_000L;

  @BeforeEach
  void clearHeld() {
    TrainerHarness.HELD.clear();
  }

  /** Hourly rounds (samples of steps 10..19 end at 7.2e6 ms). */
  private static Map<String, String> hourly() {
    Map<String, String> o = new HashMap<>(TrainerHarness.quick());
    o.put("update_frequency_minutes", "60");
    return o;
  }

  private static ShardTrainer shardTrainer(Map<String, String> o, boolean sync, boolean held) {
    TrainerConfig c =
        TrainerConfig.of(TrainerHarness.config(o), sync, TrainerHarness.initialEnvelope());
    return held
        ? new ShardTrainer(c, name -> new TrainerHarness.HeldExecutor())
        : new ShardTrainer(c);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, byte[], byte[]>
      shards(ShardTrainer t, String backend) throws Exception {
    return shards(t, backend, 1, 0);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, byte[], byte[]>
      shards(ShardTrainer t, String backend, int parallelism, int subtask) throws Exception {
    KeySelector<byte[], Integer> anyKey = m -> 0; // the broadcast side uses no keyed state
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            t, TrainerShards.samples(2), anyKey, Types.INT, 128, parallelism, subtask);
    h.setStateBackend(TrainerHarness.backend(backend));
    t.setMailboxExecutor(
        new MailboxExecutorImpl(h.getTaskMailbox(), 0, StreamTaskActionExecutor.IMMEDIATE));
    return h;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<Integer, byte[], String, byte[]> aggregator(
      Map<String, String> o) throws Exception {
    TrainerConfig c =
        TrainerConfig.of(TrainerHarness.config(o), true, TrainerHarness.initialEnvelope());
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new FederatedTrainer(c, 2),
            TrainerShards.aggregator(),
            TrainerShards.commands(),
            Types.INT,
            128,
            1,
            0);
    h.open();
    return h;
  }

  private static void feed(
      KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, byte[], byte[]> h,
      long from,
      long to,
      double shift)
      throws Exception {
    for (long t = from; t < to; t++) {
      for (String host : List.of("a", "b")) {
        h.processElement1(
            new StreamRecord<>(shifted(host, t, shift), (t + 1 + TrainerHarness.HORIZON) * STEP));
      }
    }
  }

  /** A sample whose actuals are {@code shift} above what the series (and the forecast) had. */
  private static MaturedSample shifted(String host, long t, double shift) {
    MaturedSample s = TrainerHarness.sample(host, t, 0);
    double[] actual = s.sample().futureTarget().clone();
    for (int i = 0; i < actual.length; i++) {
      actual[i] += shift;
    }
    return new MaturedSample(
        host,
        s.originMs(),
        new TrainingSample(s.sample().window(), actual),
        s.served(),
        s.servedVersion());
  }

  /** Takes what the harness emitted so far: records and watermarks, in order. */
  private static List<Object> drain(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
    List<Object> out = new ArrayList<>();
    for (Object o = h.getOutput().poll(); o != null; o = h.getOutput().poll()) {
      out.add(o);
    }
    return out;
  }

  private static final TftModelOps OPS =
      new TftModelOps(
          TftWeights.of(ModelDataSerializer.deserialize(TrainerHarness.initialEnvelope())));

  private static List<ShardUpdate<TftWeights>> updates(List<Object> out) {
    List<ShardUpdate<TftWeights>> u = new ArrayList<>();
    for (Object o : out) {
      if (o instanceof StreamRecord<?> r && r.getValue() instanceof byte[] b) {
        if (!ShardMessage.isSample(b) && !ShardMessage.isDrift(b)) {
          u.add(ShardMessage.update(b, OPS));
        }
      }
    }
    return u;
  }

  private static List<Long> watermarks(List<Object> out) {
    return out.stream()
        .filter(o -> o instanceof Watermark)
        .map(o -> ((Watermark) o).getTimestamp())
        .toList();
  }

  @Test
  void shouldTrainARoundOnTheTrainingThreadAndHoldItsWatermarkUntilTheUpdateIsSent()
      throws Exception {
    var h = shards(shardTrainer(hourly(), false, true), "heap");
    h.open();
    feed(h, 10, 20, 0);
    h.processWatermark1(new Watermark(2 * HOUR));
    assertThat(TrainerHarness.HELD).as("one round per shard, handed over").hasSize(2);
    List<Object> during = drain(h);
    assertThat(updates(during)).as("nothing sent before the training ends").isEmpty();
    assertThat(watermarks(during)).as("the round's watermark is held").isEmpty();

    feed(h, 20, 22, 0); // samples keep flowing while the shards train
    assertThat(drain(h)).hasSize(4);
    TrainerHarness.runHeld();
    assertThat(updates(drain(h))).as("trained, not applied before the mailbox").isEmpty();

    assertThat(TrainerHarness.runMails(h)).isEqualTo(2);
    List<Object> after = drain(h);
    assertThat(updates(after)).extracting(ShardUpdate::shard).containsExactlyInAnyOrder(0, 1);
    assertThat(updates(after)).allSatisfy(u -> assertThat(u.roundMs()).isEqualTo(2 * HOUR));
    assertThat(after.get(after.size() - 1))
        .as("the watermark after both updates")
        .isEqualTo(new Watermark(2 * HOUR));
    h.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap", "rocksdb"})
  void shouldRedoARoundInFlightAtACheckpointAfterTheRestore(String backend) throws Exception {
    var before = shards(shardTrainer(hourly(), false, true), backend);
    before.open();
    feed(before, 10, 20, 0);
    before.processWatermark1(new Watermark(2 * HOUR));
    assertThat(TrainerHarness.HELD).hasSize(2);
    OperatorSubtaskState snapshot = before.snapshot(1, 1);
    // the live run would have sent these after the checkpoint: the restore never sees them
    TrainerHarness.runHeld();
    TrainerHarness.runMails(before);
    List<ShardUpdate<TftWeights>> live = updates(drain(before));
    assertThat(live).hasSize(2);
    before.close();

    var after = shards(shardTrainer(hourly(), false, true), backend);
    after.initializeState(snapshot);
    after.open();
    after.processWatermark1(new Watermark(2 * HOUR)); // the replayed watermark
    assertThat(TrainerHarness.runHeld()).as("both rounds redone").isEqualTo(2);
    TrainerHarness.runMails(after);
    List<Object> out = drain(after);
    List<ShardUpdate<TftWeights>> redone = updates(out);
    assertThat(redone).extracting(ShardUpdate::shard).containsExactlyInAnyOrder(0, 1);
    for (ShardUpdate<TftWeights> u : redone) {
      ShardUpdate<TftWeights> l =
          live.stream().filter(x -> x.shard() == u.shard()).findFirst().orElseThrow();
      assertThat(u.roundMs()).isEqualTo(l.roundMs());
      assertThat(u.candidate().samples()).isEqualTo(l.candidate().samples());
    }
    assertThat(watermarks(out)).containsExactly(2 * HOUR);

    // the redone rounds are sent for good: the next snapshot owes nothing
    OperatorSubtaskState done = after.snapshot(2, 2);
    after.close();
    var again = shards(shardTrainer(hourly(), true, false), backend);
    again.initializeState(done);
    again.open();
    again.processWatermark1(new Watermark(2 * HOUR));
    assertThat(updates(drain(again))).isEmpty();
    again.close();
  }

  @Test
  void shouldKeepEachShardsAdamMomentsForItsNextRoundAcrossARestore() throws Exception {
    var h = shards(shardTrainer(hourly(), true, false), "heap");
    h.open();
    feed(h, 10, 20, 0);
    h.processWatermark1(new Watermark(2 * HOUR));
    List<ShardUpdate<TftWeights>> first = updates(drain(h));
    OperatorSubtaskState snapshot = h.snapshot(1, 1);
    h.close();
    var restored = shards(shardTrainer(hourly(), true, false), "heap");
    restored.initializeState(snapshot);
    restored.open();
    feed(restored, 20, 32, 0);
    restored.processWatermark1(new Watermark(3 * HOUR));
    List<ShardUpdate<TftWeights>> second = updates(drain(restored));
    assertThat(second).hasSize(2);
    for (ShardUpdate<TftWeights> u : second) {
      long before =
          first.stream()
              .filter(x -> x.shard() == u.shard())
              .findFirst()
              .orElseThrow()
              .candidate()
              .model()
              .optimizer()
              .iteration();
      // Adam went on counting from the first round's steps: its moments came back
      assertThat(u.candidate().model().optimizer().iteration())
          .isEqualTo(before + u.candidate().steps());
    }
    restored.close();
  }

  @Test
  void shouldRedoOwedRoundsAndKeepTheMomentsAcrossARescaleFromOneToTwoAndBack() throws Exception {
    var one = shards(shardTrainer(hourly(), false, true), "rocksdb");
    one.open();
    feed(one, 10, 20, 0);
    one.processWatermark1(new Watermark(2 * HOUR));
    TrainerHarness.runHeld();
    TrainerHarness.runMails(one);
    Map<Integer, Long> iterations = iterations(updates(drain(one)), Map.of());
    assertThat(iterations).containsOnlyKeys(0, 1);
    feed(one, 20, 32, 0);
    one.processWatermark1(new Watermark(3 * HOUR));
    assertThat(TrainerHarness.HELD).as("both rounds in flight at the savepoint").hasSize(2);
    OperatorSubtaskState atOne = one.snapshot(1, 1);
    TrainerHarness.HELD.clear(); // abandoned with the old run
    one.close();

    // 1 -> 2: each shard's owed round is redone where its key went, from its own moments
    List<ShardUpdate<TftWeights>> redone = new ArrayList<>();
    List<OperatorSubtaskState> atTwo = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      var h = shards(shardTrainer(hourly(), false, true), "rocksdb", 2, i);
      h.initializeState(
          AbstractStreamOperatorTestHarness.repartitionOperatorState(atOne, 128, 1, 2, i));
      h.open();
      h.processWatermark1(new Watermark(3 * HOUR));
      TrainerHarness.runHeld();
      TrainerHarness.runMails(h);
      redone.addAll(updates(drain(h)));
      atTwo.add(h.snapshot(2, 2));
      h.close();
    }
    assertThat(redone).extracting(ShardUpdate::shard).containsExactlyInAnyOrder(0, 1);
    assertThat(redone).allSatisfy(u -> assertThat(u.roundMs()).isEqualTo(3 * HOUR));
    iterations = iterations(redone, iterations);

    // 2 -> 1: both shards again on one subtask, the moments still theirs
    var back = shards(shardTrainer(hourly(), true, false), "rocksdb");
    back.initializeState(
        AbstractStreamOperatorTestHarness.repartitionOperatorState(
            AbstractStreamOperatorTestHarness.repackageState(atTwo.get(0), atTwo.get(1)),
            128,
            2,
            1,
            0));
    back.open();
    feed(back, 32, 44, 0);
    back.processWatermark1(new Watermark(4 * HOUR));
    assertThat(iterations(updates(drain(back)), iterations)).containsOnlyKeys(0, 1);
    back.close();
  }

  /**
   * Each update's Adam iteration count by shard, checked to continue {@code before}'s (a shard's
   * moments came back: its count goes on from its last round's) or to start at its steps.
   */
  private static Map<Integer, Long> iterations(
      List<ShardUpdate<TftWeights>> updates, Map<Integer, Long> before) {
    Map<Integer, Long> out = new HashMap<>();
    for (ShardUpdate<TftWeights> u : updates) {
      long it = u.candidate().model().optimizer().iteration();
      assertThat(it)
          .as("shard %d's Adam iterations", u.shard())
          .isEqualTo(before.getOrDefault(u.shard(), 0L) + u.candidate().steps());
      out.put(u.shard(), it);
    }
    return out;
  }

  @Test
  void shouldStartARoundOfEveryShardAtTheNextWatermarkOnUpdateNowAndAuditIt() throws Exception {
    Map<String, String> o = new HashMap<>(TrainerHarness.quick());
    o.put("update_frequency_minutes", "360"); // the scheduled round would end at 6 h
    var h = shards(shardTrainer(o, true, false), "heap");
    h.open();
    var agg = aggregator(o);
    feed(h, 10, 20, 0);
    h.processWatermark1(new Watermark(7_000_000L));
    h.processElement2(new StreamRecord<>(ShardTrainer.commandMessage("pause-not-a-command")));
    List<Object> quiet = drain(h);
    assertThat(updates(quiet)).as("no round before the schedule").isEmpty();
    pipe(quiet, agg);

    agg.processElement2(new StreamRecord<>("update-now"));
    h.processElement2(new StreamRecord<>(ShardTrainer.commandMessage("update-now")));
    h.processWatermark1(new Watermark(7_000_001L));
    List<Object> out = drain(h);
    List<ShardUpdate<TftWeights>> u = updates(out);
    assertThat(u).extracting(ShardUpdate::shard).containsExactlyInAnyOrder(0, 1);
    assertThat(u).allSatisfy(x -> assertThat(x.trigger()).isEqualTo(ShardLearner.COMMAND));
    assertThat(u).allSatisfy(x -> assertThat(x.roundMs()).isEqualTo(7_000_001L));
    pipe(out, agg);

    List<String> events = TrainerHarness.events(agg);
    assertThat(events)
        .filteredOn(e -> e.contains("\"type\":\"command_applied\""))
        .singleElement()
        .asString()
        .contains("update-now");
    assertThat(events)
        .filteredOn(e -> e.contains("\"type\":\"federated_round\""))
        .singleElement()
        .asString()
        .contains("\"trigger\":\"command\"", "\"triggered_shards\":[");
    assertThat(events)
        .filteredOn(e -> e.contains("\"type\":\"update_started\""))
        .singleElement()
        .asString()
        .contains("\"reason\":\"federated_command\"");
    assertThat(
            TrainerHarness.count(events, LearningEvent.GATE_PASSED)
                + TrainerHarness.count(events, LearningEvent.GATE_FAILED))
        .as("the round's average is gated like any update: %s", events)
        .isEqualTo(1);
    h.close();
    agg.close();
  }

  @Test
  void shouldStartARoundOfTheShardWhoseHostsDriftAndAuditTheDrift() throws Exception {
    Map<String, String> o = new HashMap<>(TrainerHarness.quick());
    o.put("update_frequency_minutes", "1440");
    o.put("drift_detection_enabled", "true");
    o.put("drift_window_size", "8");
    var h = shards(shardTrainer(o, true, false), "heap");
    h.open();
    var agg = aggregator(o);
    feed(h, 10, 40, 0);
    h.processWatermark1(new Watermark(40 * STEP));
    List<Object> calm = drain(h);
    assertThat(updates(calm)).isEmpty();
    pipe(calm, agg);

    feed(h, 40, 70, 12); // the actuals jump: the served forecasts are far off from here on
    h.processWatermark1(new Watermark(75 * STEP));
    List<Object> out = drain(h);
    List<ShardUpdate<TftWeights>> u = updates(out);
    assertThat(u).as("a round before the daily schedule").isNotEmpty();
    assertThat(u).allSatisfy(x -> assertThat(x.trigger()).isEqualTo(ShardLearner.DRIFT));
    assertThat(u).allSatisfy(x -> assertThat(x.roundMs()).isLessThan(75 * STEP));
    pipe(out, agg);

    List<String> events = TrainerHarness.events(agg);
    assertThat(events)
        .filteredOn(e -> e.contains("\"type\":\"drift_detected\"") && e.contains("\"shard\":"))
        .as("each shard's drift, audited by the aggregator: %s", events)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).contains("\"starts_round\":true", "\"statistic\":"));
    assertThat(events)
        .filteredOn(e -> e.contains("\"type\":\"federated_round\""))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).contains("\"trigger\":\"drift\""));
    h.close();
    agg.close();
  }

  @SuppressWarnings("unchecked")
  private static void pipe(
      List<Object> out, KeyedTwoInputStreamOperatorTestHarness<Integer, byte[], String, byte[]> agg)
      throws Exception {
    for (Object o : out) {
      if (o instanceof StreamRecord<?> r) {
        agg.processElement1((StreamRecord<byte[]>) r);
      } else if (o instanceof Watermark w) {
        agg.processWatermark1(w);
      }
    }
  }
}
