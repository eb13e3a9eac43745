package org.tftflink.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.config.ModelSigningKey;
import org.tftflink.job.config.Settings;
import org.tftflink.model.tft.envelope.ModelSignature;

class DemoSigningTest {

  @Test
  void shouldHandTheJobExactlyTheKeyItSignsWithInEveryRun(@TempDir Path dir) throws Exception {
    // random bytes written as they were ended in a newline in 2 runs of 256, and the job read one
    // byte less: 2,000 runs met that about 16 times
    for (int run = 0; run < 2_000; run++) {
      DemoSigning signing = DemoSigning.prepare(Settings.defaults(), dir.resolve("run-" + run));

      byte[] read = ModelSigningKey.load(signing.settings()).orElseThrow();

      assertThat(read).isEqualTo(signing.key());
      assertThat(read.length).isGreaterThanOrEqualTo(ModelSignature.MIN_KEY_BYTES);
    }
  }
}
