package org.tftflink.model.online.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One drift-detector input per step, the mean over the step's hosts. */
class StepPoolingTest {
  private static final long STEP = 300_000L;

  private final List<double[]> out = new ArrayList<>();

  private void offer(StepPooling p, long step, double err) {
    p.offer(step * STEP, err, (mean, n) -> out.add(new double[] {mean, n}));
  }

  @Test
  void oneHostShouldGiveTheDetectorEveryErrorAsItComesAfterTheFirst() {
    StepPooling p = new StepPooling();
    offer(p, 0, 1.0);
    assertThat(out).isEmpty(); // the first step's size is not known yet
    for (int step = 1; step < 6; step++) {
      offer(p, step, step + 1.0);
      // the first goes with the second, then each at once
      assertThat(out).hasSize(step + 1);
    }
    assertThat(out.stream().mapToDouble(v -> v[0]).toArray()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void manyHostsShouldGiveOneMeanPerStepOnceEveryHostHasReported() {
    StepPooling p = new StepPooling();
    for (int step = 0; step < 4; step++) {
      for (int host = 0; host < 1000; host++) {
        offer(p, step, host % 2 == 0 ? 1.0 : 3.0);
      }
    }
    // steps 0-2 complete (step 0 when step 1 began, 1 and 2 at their 1,000th sample); step 3 too
    assertThat(out).hasSize(4);
    assertThat(out).allSatisfy(v -> assertThat(v).containsExactly(2.0, 1000.0));
  }

  @Test
  void aHostFewerShouldFlushWithTheNextStepAndNonFiniteErrorsStayOutOfTheMean() {
    StepPooling p = new StepPooling();
    for (int host = 0; host < 3; host++) {
      offer(p, 0, 1.0);
    }
    offer(p, 1, 2.0);
    offer(p, 1, Double.NaN);
    assertThat(out).hasSize(1); // step 1 has 2 of 3
    offer(p, 2, 5.0);
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).containsExactly(2.0, 1.0);
  }

  @Test
  void shouldResumeAStepHalfWayThroughAfterARestore() throws Exception {
    StepPooling p = new StepPooling();
    Random r = new Random(3);
    for (int host = 0; host < 10; host++) {
      offer(p, 0, r.nextDouble());
    }
    for (int host = 0; host < 4; host++) {
      offer(p, 1, 1.0);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    p.write(new DataOutputStream(bytes));
    StepPooling q = new StepPooling();
    q.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    out.clear();
    for (int host = 0; host < 6; host++) {
      offer(q, 1, 3.0);
    }
    assertThat(out).hasSize(1);
    assertThat(out.get(0)).containsExactly(2.2, 10.0);
  }
}
