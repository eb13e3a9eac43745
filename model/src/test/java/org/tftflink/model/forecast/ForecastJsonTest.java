package org.tftflink.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ForecastJsonTest {

  @Test
  void shouldWriteTheForecastContract() throws Exception {
    Forecast f =
        new Forecast(
            "web-17",
            "cpu",
            1_392_388_200_000L,
            300_000,
            ModelRef.baseline("seasonal_naive"),
            new double[] {0.1, 0.5, 0.9},
            new double[][] {{38, 42.5, 49.1}, {37, 41, 50}});

    JsonNode json = new ObjectMapper().readTree(ForecastJson.toJson(f));

    assertThat(json.get("host").asText()).isEqualTo("web-17");
    assertThat(json.get("issuedAt").asText()).isEqualTo("2014-02-14T14:30:00Z");
    assertThat(json.get("step").asText()).isEqualTo("PT5M");
    assertThat(json.at("/model/kind").asText()).isEqualTo("baseline");
    assertThat(json.at("/model/version").asLong()).isZero();
    assertThat(json.at("/horizon/1/ts").asText()).isEqualTo("2014-02-14T14:35:00Z");
    assertThat(json.at("/horizon/0/p50").asDouble()).isEqualTo(42.5);
    assertThat(json.at("/horizon/0/p90").asDouble())
        .isCloseTo(49.1, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void shouldNameQuantileFieldsAfterTheirLevel() {
    assertThat(ForecastJson.quantileNames(new double[] {0.1, 0.5, 0.975}))
        .containsExactly("p10", "p50", "p97.5");
  }
}
