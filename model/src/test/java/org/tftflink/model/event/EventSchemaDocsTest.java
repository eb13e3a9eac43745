package org.tftflink.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON Schema files in docs/schemas stay in step with the parser and with DESIGN.md. */
class EventSchemaDocsTest {

  private static final Path SCHEMAS = Path.of("..", "docs", "schemas");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode schema(String file) throws IOException {
    Path path = SCHEMAS.resolve(file);
    assertThat(path).as("run from the model module so that ../docs/schemas resolves").exists();
    return MAPPER.readTree(Files.readAllBytes(path));
  }

  @Test
  void shouldDeclareTheParserDefaultsWhenDescribingMetricEvents() throws IOException {
    JsonNode schema = schema("metric-event.schema.json");
    JsonNode properties = schema.get("properties");

    assertThat(schema.get("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(properties.at("/host/maxLength").asInt())
        .isEqualTo(EventParserConfig.DEFAULT_MAX_HOST_LENGTH);
    assertThat(properties.at("/metrics/maxProperties").asInt())
        .isEqualTo(EventParserConfig.DEFAULT_MAX_METRICS);
    assertThat(properties.at("/tags/maxProperties").asInt())
        .isEqualTo(EventParserConfig.DEFAULT_MAX_TAGS);
    assertThat(properties.at("/ts/oneOf/2/minimum").asLong())
        .isEqualTo(EventDraft.MIN_TIMESTAMP_MILLIS);
    assertThat(schema.get("description").asText())
        .contains(String.valueOf(EventParserConfig.DEFAULT_MAX_MESSAGE_BYTES));
    assertThat(schema.get("required"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("host", "ts", "metrics");
  }

  @Test
  void shouldParseEveryMetricEventExampleOfTheSchemaAsValid() throws IOException {
    EventParser parser =
        new EventParser(
            EventParserConfig.forTarget("cpu")
                .withClock(Clock.fixed(Instant.parse("2014-02-15T00:00:00Z"), ZoneOffset.UTC)));
    List<JsonNode> examples = new ArrayList<>();
    schema("metric-event.schema.json").get("examples").forEach(examples::add);

    assertThat(examples).isNotEmpty();
    for (JsonNode example : examples) {
      assertThat(parser.parse(MAPPER.writeValueAsBytes(example)))
          .as(example.toString())
          .isInstanceOf(ParseResult.Valid.class);
    }
  }

  @Test
  void shouldDescribeTheDesignForecastFieldsWhenDescribingForecasts() throws IOException {
    JsonNode schema = schema("forecast.schema.json");

    assertThat(schema.get("required"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            "host", "target", "issuedAt", "step", "model", "quantiles", "horizon");
    assertThat(schema.at("/properties/model/properties/kind/enum"))
        .extracting(JsonNode::asText)
        .containsExactly("baseline", "tft");
    assertThat(schema.at("/properties/model/required"))
        .extracting(JsonNode::asText)
        .containsExactly("kind", "version", "epoch");
    assertThat(schema.at("/properties/horizon/items/required"))
        .extracting(JsonNode::asText)
        .containsExactly("ts", "p10", "p50", "p90");
    assertThat(schema.at("/examples/0/step").asText())
        .matches(schema.at("/properties/step/pattern").asText());
  }
}
