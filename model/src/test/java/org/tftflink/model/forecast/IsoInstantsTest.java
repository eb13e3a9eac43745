package org.tftflink.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  @Test
  void shouldAgreeWithInstantToStringAcrossCollidingSlots() {
    Random rnd = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      long millis = 946_684_800_000L + (long) (rnd.nextDouble() * 3e12);
      if (i % 3 == 0) {
        millis -= millis % 300_000; // step-aligned, as forecasts are
      }
      assertThat(IsoInstants.format(millis)).isEqualTo(Instant.ofEpochMilli(millis).toString());
    }
  }
}
