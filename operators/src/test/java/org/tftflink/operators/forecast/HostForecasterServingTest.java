package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.forecast.ForecasterHarness.ENCODER;
import static org.tftflink.operators.forecast.ForecasterHarness.FLUSH_MS;
import static org.tftflink.operators.forecast.ForecasterHarness.STEP;

import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.forecast.ModelRef;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.ServingModelState;

/**
 * Serving the broadcast TFT: cold start, swaps, rejections, batching, checkpoints and the timeline
 * rule.
 */
class HostForecasterServingTest {

  private static final String[] HOSTS = {"a", "b", "c"};

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> harness;

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void step(long s) throws Exception {
    for (String host : HOSTS) {
      long ts = s * STEP + 10;
      harness.processElement(
          new MetricPoint(
                  host,
                  ts,
                  new double[] {10 + (s % 7) + host.charAt(0) % 3},
                  new String[0],
                  new byte[0])
              .from("metrics", 0, ts),
          ts);
    }
    harness.processWatermark((s + 1) * STEP - 1);
  }

  private void steps(long from, long to) throws Exception {
    for (long s = from; s < to; s++) {
      step(s);
    }
  }

  private List<Forecast> out() {
    return harness.extractOutputValues();
  }

  private static List<String> kinds(List<Forecast> fs) {
    return fs.stream()
        .map(
            f ->
                f.model().kind()
                    + (f.model().kind().equals(ModelRef.TFT) ? f.model().version() : ""))
        .toList();
  }

  private HostForecaster forecaster() {
    return (HostForecaster) ((BatchingBroadcastOperator) harness.getOperator()).getUserFunction();
  }

  private ServingModelState served() throws Exception {
    return harness.getBroadcastState(HostForecaster.MODEL_STATE).get(HostForecaster.SERVED_KEY);
  }

  @Test
  void shouldForecastWithTheBaselineUntilTheFirstModelIsAccepted() throws Exception {
    harness = ForecasterHarness.open(1);
    steps(0, ENCODER + 2);
    assertThat(out())
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.model().kind()).isEqualTo(ModelRef.BASELINE));
    int before = out().size();

    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    step(ENCODER + 2);

    List<Forecast> after = out().subList(before, out().size());
    assertThat(after)
        .hasSize(HOSTS.length)
        .allSatisfy(
            f -> {
              assertThat(f.model()).isEqualTo(new ModelRef(ModelRef.TFT, 1, 1, null));
              assertThat(f.horizon()).isEqualTo(ForecasterHarness.HORIZON);
              assertThat(f.issuedAtMillis()).isEqualTo((ENCODER + 3) * STEP);
            });
  }

  @Test
  void shouldForecastWithTheBaselineWhileAHostsHistoryIsShorterThanTheEncoder() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER + 1);

    // forecasts start after 2 steps (min history); the TFT takes over once 6 steps are held
    List<Forecast> forA = out().stream().filter(f -> f.host().equals("a")).toList();
    assertThat(kinds(forA))
        .containsExactly("baseline", "baseline", "baseline", "baseline", "tft1", "tft1");
  }

  @Test
  void shouldSwapModelsMidStreamWithoutMissingAStep() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER + 3);
    harness.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0);
    steps(ENCODER + 3, ENCODER + 6);

    List<Forecast> forB = out().stream().filter(f -> f.host().equals("b")).toList();
    assertThat(forB)
        .extracting(Forecast::issuedAtMillis)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.range(2, ENCODER + 7).map(s -> s * STEP).boxed().toList());
    assertThat(kinds(forB).subList(forB.size() - 6, forB.size()))
        .containsExactly("tft1", "tft1", "tft1", "tft2", "tft2", "tft2");
  }

  @Test
  void shouldAnswerWaitingRequestsWithTheOldModelBeforeSwapping() throws Exception {
    harness = ForecasterHarness.open(100);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER); // the TFT serves from the last of these steps on
    int tftBefore = (int) out().stream().filter(f -> f.model().kind().equals(ModelRef.TFT)).count();
    assertThat(tftBefore).isZero(); // waiting in the batch

    harness.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0);

    assertThat(kinds(out()))
        .filteredOn(k -> k.startsWith("tft"))
        .hasSize(HOSTS.length)
        .containsOnly("tft1");
  }

  @Test
  void shouldRejectACorruptedModelMessageAndKeepServing() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    byte[] corrupted = ForecasterHarness.envelope(2, 1);
    corrupted[corrupted.length / 2] ^= 0x10;

    harness.processBroadcastElement(corrupted, 0);
    harness.processBroadcastElement(new byte[] {1, 2, 3}, 0);
    steps(0, ENCODER + 1);

    assertThat(served().version).isEqualTo(1);
    assertThat(kinds(out())).filteredOn(k -> k.startsWith("tft")).isNotEmpty().containsOnly("tft1");
    assertThat(forecaster().rejectedModelMessages()).isEqualTo(2);
  }

  @Test
  void shouldRejectAModelThatDoesNotFitTheJob() throws Exception {
    harness = ForecasterHarness.open(1);
    TftConfig longer =
        ForecasterHarness.tinyConfig().toBuilder().horizon(ForecasterHarness.HORIZON + 1).build();
    TftConfig covariates = ForecasterHarness.tinyConfig().toBuilder().observedReals(2).build();

    harness.processBroadcastElement(ForecasterHarness.envelope(longer, 5, 1), 0);
    harness.processBroadcastElement(ForecasterHarness.envelope(covariates, 6, 1), 0);
    steps(0, ENCODER + 1);

    assertThat(served().hasModel()).isFalse();
    assertThat(served().highestEpochSeen).isEqualTo(1);
    assertThat(forecaster().rejectedModelMessages()).isEqualTo(2);
    assertThat(out()).allSatisfy(f -> assertThat(f.model().kind()).isEqualTo(ModelRef.BASELINE));
  }

  @Test
  void shouldPredictAPartlyFilledBatchWhenTheFlushTimerFires() throws Exception {
    harness = ForecasterHarness.open(100);
    harness.setProcessingTime(1_000);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER);
    assertThat(kinds(out())).doesNotContain("tft1");
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isEqualTo(1);

    harness.setProcessingTime(1_000 + FLUSH_MS);

    assertThat(kinds(out())).filteredOn(k -> k.startsWith("tft")).hasSize(HOSTS.length);
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
  }

  @Test
  void shouldAnswerWaitingRequestsBeforeTheNextWatermarkClosesLaterSteps() throws Exception {
    harness = ForecasterHarness.open(100);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER);
    assertThat(kinds(out())).doesNotContain("tft1");

    step(ENCODER);

    // the previous step's requests left before this step's timers fired; these wait
    assertThat(kinds(out())).filteredOn(k -> k.startsWith("tft")).hasSize(HOSTS.length);
  }

  @Test
  void shouldPredictAFullBatchAtOnce() throws Exception {
    harness = ForecasterHarness.open(HOSTS.length);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER);

    assertThat(kinds(out())).filteredOn(k -> k.startsWith("tft")).hasSize(HOSTS.length);
  }

  @Test
  void shouldFlushTheBatchBeforeACheckpointAndServeTheSameModelAfterRestore() throws Exception {
    harness = ForecasterHarness.open(100);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER);
    assertThat(kinds(out())).doesNotContain("tft1");

    harness.prepareSnapshotPreBarrier(1); // what the task does right before the barrier
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    List<Forecast> beforeSnapshot = List.copyOf(out());
    harness.close();

    assertThat(kinds(beforeSnapshot)).filteredOn(k -> k.startsWith("tft")).hasSize(HOSTS.length);
    harness = ForecasterHarness.create(1);
    harness.initializeState(snapshot);
    harness.open();
    steps(ENCODER, ENCODER + 1);

    // no model message after the restore: the restored state's model serves, nothing is repeated
    assertThat(out())
        .hasSize(HOSTS.length)
        .allSatisfy(
            f -> {
              assertThat(f.model()).isEqualTo(new ModelRef(ModelRef.TFT, 1, 1, null));
              assertThat(f.issuedAtMillis()).isEqualTo((ENCODER + 1) * STEP);
            });
  }

  @Test
  void shouldServeOnlyALaterEpochAfterARestore() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    steps(0, ENCODER);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    // the abandoned timeline goes on: versions 2 and 3 of epoch 1 are published after the snapshot
    harness.close();

    harness = ForecasterHarness.create(1);
    harness.initializeState(snapshot);
    harness.open();
    harness.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0);
    harness.processBroadcastElement(ForecasterHarness.envelope(3, 1), 0);
    step(ENCODER);
    harness.processBroadcastElement(ForecasterHarness.envelope(4, 2), 0);
    step(ENCODER + 1);
    harness.processBroadcastElement(ForecasterHarness.envelope(5, 2), 0);
    harness.processBroadcastElement(
        ForecasterHarness.envelope(3, 2), 0); // versions never go backwards
    step(ENCODER + 2);

    assertThat(kinds(out()))
        .containsExactly("tft1", "tft1", "tft1", "tft4", "tft4", "tft4", "tft5", "tft5", "tft5");
    assertThat(served().restoreFloorEpoch).isEqualTo(1);
    assertThat(served().version).isEqualTo(5);
  }

  @Test
  void shouldPickTheNewestEpochAndVersionOnAFreshStart() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    harness.processBroadcastElement(ForecasterHarness.envelope(2, 2), 0);
    harness.processBroadcastElement(
        ForecasterHarness.envelope(7, 1), 0); // an older epoch, however high its version

    assertThat(served().version).isEqualTo(2);
    assertThat(served().epoch).isEqualTo(2);
    assertThat(served().restoreFloorEpoch).isEqualTo(ServingModelState.NONE);
  }

  @Test
  void shouldKeepEventTimeOfTheMetricsWhateverTheModelSideSends() throws Exception {
    harness = ForecasterHarness.open(1);
    harness.processBroadcastWatermark(0); // ignored: model messages carry no event time
    steps(0, 4);

    assertThat(out()).extracting(Forecast::issuedAtMillis).contains(4 * STEP);
  }
}
