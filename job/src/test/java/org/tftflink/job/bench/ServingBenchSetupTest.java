package org.tftflink.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.job.config.PipelineConfig;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.model.event.EventParser;
import org.tftflink.model.event.ParseResult;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.serving.ModelFit;

/**
 * The serving bench's job can serve its model, which is the JMH benchmark's ({@link
 * TftConfig#pfParity()}), and its events carry every observed column that model reads.
 */
class ServingBenchSetupTest {
  private final ServingBench bench = new ServingBench(3, 1, 1);

  @Test
  void shouldServeTheModelOfTheJmhBenchmark() {
    ModelData model = ModelDataSerializer.deserialize(bench.envelope());
    PipelineConfig pipeline = PipelineConfig.from(bench.settings(256));

    assertThat(model.config()).isEqualTo(TftConfig.pfParity());
    assertThat(model.config().encoderVariables()).isEqualTo(10);
    assertThat(ModelFit.problem(model, pipeline.grid(), pipeline.baseline(), pipeline.serving()))
        .isEmpty();
  }

  @Test
  void shouldSendTheTargetAndEveryCovariateInEachEvent() {
    PipelineConfig pipeline = PipelineConfig.from(bench.settings(256));
    EventParser parser = new EventParser(pipeline.parser());
    List<ReplayMessage> events = BenchWorkload.events(3, 4, bench.covariates);

    assertThat(bench.covariates).hasSize(TftConfig.pfParity().observedReals() - 1);
    assertThat(events).hasSize(12);
    for (ReplayMessage m : events) {
      ParseResult r = parser.parse(m.value());
      assertThat(r).isInstanceOf(ParseResult.Valid.class);
      var metrics = ((ParseResult.Valid) r).event().metrics();
      assertThat(metrics).containsKey("cpu");
      assertThat(metrics).containsKeys(bench.covariates.toArray(new String[0]));
    }
  }
}
