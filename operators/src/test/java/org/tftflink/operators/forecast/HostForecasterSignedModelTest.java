package org.tftflink.operators.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tftflink.operators.forecast.ForecasterHarness.FLUSH_MS;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.tft.envelope.ModelSignature;
import org.tftflink.model.tft.envelope.SignaturePolicy;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.BatchingBroadcastOperator;
import org.tftflink.operators.serving.ServingConfig;
import org.tftflink.operators.serving.ServingModelState;

/**
 * Serving with {@code serving.require_signature=true}: only a model signed with the job's key is
 * loaded; an unsigned one, one from another key and a tampered one are rejected and counted, and
 * the served model stays as it was.
 */
class HostForecasterSignedModelTest {

  private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_KEY = "o".repeat(32).getBytes(StandardCharsets.UTF_8);

  private KeyedBroadcastOperatorTestHarness<String, MetricPoint, byte[], Forecast> harness;

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void open(SignaturePolicy policy) throws Exception {
    harness =
        ForecasterHarness.create(
            new ServingConfig(1, Duration.ofMillis(FLUSH_MS), List.of(), policy));
    harness.open();
  }

  private HostForecaster forecaster() {
    return (HostForecaster) ((BatchingBroadcastOperator) harness.getOperator()).getUserFunction();
  }

  private ServingModelState served() throws Exception {
    return harness.getBroadcastState(HostForecaster.MODEL_STATE).get(HostForecaster.SERVED_KEY);
  }

  @Test
  void shouldAcceptOnlyAModelSignedWithTheJobsKeyWhenSignaturesAreRequired() throws Exception {
    open(SignaturePolicy.of(true, KEY));
    byte[] tampered = ModelSignature.sign(ForecasterHarness.envelope(5, 1), KEY);
    tampered[tampered.length / 2] ^= 0x01;

    harness.processBroadcastElement(ModelSignature.sign(ForecasterHarness.envelope(1, 1), KEY), 0);
    harness.processBroadcastElement(ForecasterHarness.envelope(2, 1), 0); // unsigned
    harness.processBroadcastElement(
        ModelSignature.sign(ForecasterHarness.envelope(3, 1), OTHER_KEY), 0);
    harness.processBroadcastElement(tampered, 0);

    assertThat(served().version).isEqualTo(1);
    assertThat(forecaster().rejectedModelMessages()).isEqualTo(3);
    // the state holds the bare envelope: a restore rebuilds it without the key
    assertThat(ModelSignature.isSigned(served().envelope)).isFalse();
  }

  @Test
  void shouldServeNothingWhenEveryModelIsUnsignedOrFromAnotherKey() throws Exception {
    open(SignaturePolicy.of(true, KEY));

    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    harness.processBroadcastElement(
        ModelSignature.sign(ForecasterHarness.envelope(2, 1), OTHER_KEY), 0);

    assertThat(served() == null || !served().hasModel()).isTrue();
    assertThat(forecaster().rejectedModelMessages()).isEqualTo(2);
  }

  @Test
  void shouldAcceptUnsignedModelsButStillRejectAWrongSignatureWhenNotRequired() throws Exception {
    open(SignaturePolicy.of(false, KEY));

    harness.processBroadcastElement(ForecasterHarness.envelope(1, 1), 0);
    harness.processBroadcastElement(
        ModelSignature.sign(ForecasterHarness.envelope(2, 1), OTHER_KEY), 0);
    harness.processBroadcastElement(ModelSignature.sign(ForecasterHarness.envelope(3, 1), KEY), 0);

    assertThat(served().version).isEqualTo(3);
    assertThat(forecaster().rejectedModelMessages()).isEqualTo(1);
  }
}
