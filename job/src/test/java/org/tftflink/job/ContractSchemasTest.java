package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schemas of every topic (docs/schemas) are valid JSON Schema 2020-12 and accept their own
 * examples; the model-event schema refuses what the contract rules out. Real forecasts and dead
 * letters are validated by {@link ClusterContractsTest}, real learner events and commands by {@link
 * LearnerContractsTest}.
 */
class ContractSchemasTest {

  static List<String> schemaFiles() throws IOException {
    try (Stream<java.nio.file.Path> files = Files.list(ContractSchemas.DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".schema.json"))
          .sorted()
          .toList();
    }
  }

  @Test
  void shouldHaveOneSchemaPerTopic() throws IOException {
    assertThat(schemaFiles())
        .containsExactlyInAnyOrder(
            "metric-event.schema.json",
            "forecast.schema.json",
            "dead-letter.schema.json",
            "model-event.schema.json",
            "control-command.schema.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaFiles")
  void shouldBeAValidSchemaThatAcceptsItsExamples(String file) {
    assertThat(ContractSchemas.metaErrors(file)).as(file).isEmpty();
    JsonNode schema = ContractSchemas.node(file);
    List<JsonNode> whole = new ArrayList<>();
    schema.path("examples").forEach(whole::add);
    // metric-event, forecast and dead-letter list examples of single fields only
    for (JsonNode e : whole) {
      if (e.getNodeType().toString().equalsIgnoreCase(schema.path("type").asText())) {
        assertThat(ContractSchemas.errors(file, e)).as(file + " example " + e).isEmpty();
      }
    }
  }

  @Test
  void shouldRefuseModelEventsWithoutTheirEnvelopeOrWithDetailsThatAreNotFlat() throws Exception {
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"promoted\",\"eventTimeMs\":1,\"version\":2}"))
        .anySatisfy(e -> assertThat(e).contains("details"));
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"retrained\",\"eventTimeMs\":1,\"version\":2,\"details\":{}}"))
        .isNotEmpty();
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"promoted\",\"eventTimeMs\":1,\"version\":2,\"details\":{\"parent\":{\"v\":1}}}"))
        .isNotEmpty();
  }

  private static List<String> errors(String file, String json) throws Exception {
    return ContractSchemas.errors(file, ContractSchemas.JSON.readTree(json));
  }
}
