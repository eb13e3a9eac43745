package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.MetricPoint;

/** The step grid of the inference operator: baseline forecasts, no model on the broadcast side. */
class HostForecasterTest {

  private static final long STEP = ForecasterHarness.STEP;
  private static final int MAX_GAP = ForecasterHarness.MAX_GAP;

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = ForecasterHarness.open(256);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static MetricPoint point(String host, long ts, double cpu) {
    return new MetricPoint(
            host, ts, new double[] {cpu}, new String[0], ("{" + host + "," + ts + "}").getBytes())
        .from("metrics", 0, ts);
  }

  private void send(String host, long ts, double cpu) throws Exception {
    harness.processElement(new StreamRecord<>(point(host, ts, cpu), ts));
  }

  /** Moves the watermark to the end of step {@code step}, which closes it (no allowed lateness). */
  private void closeStep(long step) throws Exception {
    harness.processWatermark((step + 1) * STEP - 1);
  }

  private List<Forecast> forecasts() {
    return harness.extractOutputValues();
  }

  @Test
  void shouldForecastOncePerHostPerStepAfterWarmup() throws Exception {
    for (int s = 0; s < 6; s++) {
      send("a", s * STEP + 10, s);
      send("b", s * STEP + 20, 10 * s);
      closeStep(s);
    }
    // warm-up is 2 steps: steps 1..5 forecast for both hosts
    assertThat(forecasts()).hasSize(10);
    assertThat(forecasts())
        .filteredOn(f -> f.host().equals("a"))
        .extracting(Forecast::issuedAtMillis)
        .containsExactly(2 * STEP, 3 * STEP, 4 * STEP, 5 * STEP, 6 * STEP);
    Forecast last = forecasts().get(forecasts().size() - 1);
    assertThat(last.horizon()).isEqualTo(3);
    assertThat(last.model().kind()).isEqualTo("baseline");
  }

  @Test
  void shouldAggregateEventsWithinAStepByMean() throws Exception {
    send("a", 10, 1);
    closeStep(0);
    send("a", STEP + 10, 10);
    send("a", STEP + 20, 20);
    closeStep(1);

    Forecast f = forecasts().get(0);
    assertThat(f.model().method()).isEqualTo(SeasonalNaiveForecaster.REPEAT_LAST);
    assertThat(f.values()[0][1]).isEqualTo(15);
  }

  @Test
  void shouldResolveDuplicateTimestampsByKeepingTheLastAndCountThem() throws Exception {
    send("a", 10, 1);
    closeStep(0);
    send("a", STEP + 10, 10);
    send("a", STEP + 10, 30);
    closeStep(1);

    assertThat(forecasts().get(0).values()[0][1]).isEqualTo(30);
    assertThat(harness.getSideOutput(HostForecaster.LATE)).isNullOrEmpty();
  }

  @Test
  void shouldDeadLetterAnEventForAClosedStepWithItsOriginalBytes() throws Exception {
    send("a", 10, 1);
    send("a", STEP + 10, 2);
    closeStep(1);
    send("a", 20, 99); // step 0 is closed

    var late = harness.getSideOutput(HostForecaster.LATE);
    assertThat(late).hasSize(1);
    DeadLetter letter = late.peek().getValue();
    assertThat(letter.reason).isEqualTo("late");
    assertThat(letter.payload).isEqualTo(point("a", 20, 99).raw);
    assertThat(letter.message).contains("already closed");
  }

  @Test
  void shouldImputeAShortGapCarryingTheLastValueAndKeepForecasting() throws Exception {
    send("a", 10, 5);
    closeStep(0);
    send("a", STEP + 10, 7);
    closeStep(1);
    closeStep(2); // no data in step 2
    send("a", 3 * STEP + 10, 9);
    closeStep(3);

    assertThat(forecasts())
        .extracting(Forecast::issuedAtMillis)
        .containsExactly(2 * STEP, 3 * STEP, 4 * STEP);
    assertThat(forecasts().get(1).values()[0][1]).isEqualTo(7); // step 2 carried 7 forward
    assertThat(forecasts().get(2).values()[0][1]).isEqualTo(9);
  }

  @Test
  void shouldNeverForecastAHostSeenOnceFromItsImputedSteps() throws Exception {
    send("a", 10, 5);
    for (int s = 0; s <= MAX_GAP + 1; s++) {
      closeStep(s);
    }

    // one observed step, then MAX_GAP imputed ones: below the warm-up of 2 observed steps
    assertThat(forecasts()).isEmpty();
    assertThat(ForecasterHarness.keyedStateEntries(harness)).isZero();
  }

  @Test
  void shouldCountOnlyObservedStepsTowardTheWarmup() throws Exception {
    send("a", 10, 5);
    closeStep(0);
    closeStep(1); // imputed: the history holds 2 steps, 1 observed
    send("a", 2 * STEP + 10, 7);
    closeStep(2);
    closeStep(3); // imputed after warm-up: still forecast

    assertThat(forecasts())
        .extracting(Forecast::issuedAtMillis)
        .containsExactly(3 * STEP, 4 * STEP);
  }

  @Test
  void shouldClearAllStateOfAHostThatStopsReporting() throws Exception {
    send("a", 10, 5);
    send("b", 10, 5);
    closeStep(0);
    send("b", STEP + 10, 6);
    closeStep(1);
    assertThat(ForecasterHarness.keyedStateEntries(harness)).isGreaterThan(0);

    // host a imputes MAX_GAP steps (1..3), then expires at step 4; b keeps reporting until step 1
    for (int s = 2; s <= MAX_GAP + 3; s++) {
      closeStep(s);
    }

    assertThat(ForecasterHarness.keyedStateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldStartAFreshHistoryWhenAHostComesBackAfterExpiry() throws Exception {
    send("a", 10, 5);
    closeStep(0);
    send("a", STEP + 10, 6);
    closeStep(1);
    for (int s = 2; s <= MAX_GAP + 2; s++) {
      closeStep(s);
    }
    int before = forecasts().size();
    send("a", 20 * STEP + 10, 100);
    closeStep(20);
    // a fresh history holds one step: below the warm-up of 2, so no forecast yet
    assertThat(forecasts()).hasSize(before);
    send("a", 21 * STEP + 10, 101);
    closeStep(21);
    assertThat(forecasts().get(forecasts().size() - 1).values()[0][1]).isEqualTo(101);
  }

  @Test
  void shouldNotImputeStepsAfterTheEndOfInput() throws Exception {
    send("a", 10, 5);
    send("a", STEP + 10, 6);
    harness.processWatermark(Long.MAX_VALUE);

    assertThat(forecasts()).extracting(Forecast::issuedAtMillis).containsExactly(2 * STEP);
  }

  @Test
  void shouldContinueIdenticallyAfterSnapshotAndRestore() throws Exception {
    var expected = ForecasterHarness.open(256);
    for (int s = 0; s < 12; s++) {
      expected.processElement(
          new StreamRecord<>(point("a", s * STEP + 10, s % 4 + s * 0.1), s * STEP + 10));
      expected.processWatermark((s + 1) * STEP - 1);
    }
    List<Forecast> uninterrupted = expected.extractOutputValues();
    expected.close();

    for (int s = 0; s < 6; s++) {
      send("a", s * STEP + 10, s % 4 + s * 0.1);
      closeStep(s);
    }
    send("a", 6 * STEP + 10, 6 % 4 + 0.6); // still open at the snapshot
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    int beforeSnapshot = forecasts().size();
    harness.close();

    harness = ForecasterHarness.create(256);
    harness.initializeState(snapshot);
    harness.open();
    closeStep(6);
    for (int s = 7; s < 12; s++) {
      send("a", s * STEP + 10, s % 4 + s * 0.1);
      closeStep(s);
    }

    List<Forecast> resumed = forecasts();
    assertThat(beforeSnapshot + resumed.size()).isEqualTo(uninterrupted.size());
    for (int i = 0; i < resumed.size(); i++) {
      Forecast want = uninterrupted.get(beforeSnapshot + i);
      assertThat(resumed.get(i).issuedAtMillis()).isEqualTo(want.issuedAtMillis());
      assertThat(resumed.get(i).values()).isDeepEqualTo(want.values());
    }
  }
}
