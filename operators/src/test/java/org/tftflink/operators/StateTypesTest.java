package org.tftflink.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.grid.StepAccumulator;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.IngestRecord;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.serving.ServingModelState;

/**
 * State and stream types must use Flink's POJO serializer (which supports adding fields later),
 * never a Kryo fallback, whose format breaks savepoints when classes change.
 */
class StateTypesTest {

  @ParameterizedTest
  @ValueSource(
      classes = {
        HostHistory.class,
        StepAccumulator.class,
        MetricPoint.class,
        DeadLetter.class,
        IngestRecord.class,
        ServingModelState.class,
        org.tftflink.operators.forecast.PendingForecast.class,
        org.tftflink.model.online.MaturedSample.class
      })
  void shouldBeSerializedAsFlinkPojo(Class<?> type) {
    assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
  }
}
