package org.tftflink.model.online.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;

class SampleCodecTest {

  @Test
  void shouldRoundTripASampleWhoseStaticCategoricalIsNull() throws IOException {
    // the offline windows (SeriesWindows) leave static categoricals null; the hasher reads null as
    // empty, and a snapshot must give back exactly what it was given
    TftWindow w =
        new TftWindow(
            new double[][] {{1}, {2}},
            new double[3][0],
            new String[] {null, "eu-1"},
            new double[0]);
    MaturedSample s =
        new MaturedSample(
            "web-1",
            60_000,
            new TrainingSample(w, new double[] {5}),
            new double[][] {{4, 5, 6}},
            3);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SampleCodec.write(new DataOutputStream(bytes), s);
    MaturedSample back =
        SampleCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    assertThat(back.sample().window().staticCategoricals()).containsExactly(null, "eu-1");
    assertThat(back.sample().window().observed()).isDeepEqualTo(w.observed());
    assertThat(back.served()).isDeepEqualTo(s.served());
    assertThat(back.servedVersion()).isEqualTo(3);
    assertThat(SampleCodec.bytes(s)).isPositive();
  }
}
