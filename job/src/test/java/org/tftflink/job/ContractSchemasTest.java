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
 * The schemas of every topic (docs/schemas) are valid JSON Schema 2020-12, accept their own
 * examples, and the two whose messages the job does not write yet (model events, control commands)
 * refuse what DESIGN.md's contract rules out. Real forecasts and dead letters are validated by
 * {@link ClusterContractsTest}.
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
    JsonNode examples = ContractSchemas.node(file).path("examples");
    List<JsonNode> whole = new ArrayList<>();
    examples.forEach(whole::add);
    // metric-event, forecast and dead-letter list examples of single fields only
    for (JsonNode e : whole) {
      if (e.isObject()) {
        assertThat(ContractSchemas.errors(file, e)).as(file + " example " + e).isEmpty();
      }
    }
  }

  @Test
  void shouldListEveryModelDecisionOfTheDesign() {
    List<String> types = new ArrayList<>();
    ContractSchemas.node("model-event.schema.json")
        .at("/properties/type/enum")
        .forEach(t -> types.add(t.asText()));
    assertThat(types)
        .containsExactlyInAnyOrder(
            "update_started",
            "update_finished",
            "gate_passed",
            "gate_failed",
            "promoted",
            "rolled_back",
            "drift_detected",
            "breaker_opened",
            "breaker_closed",
            "shadow_result",
            "command_applied");
  }

  @Test
  void shouldRefuseModelEventsWithoutTheFieldsOfTheirType() throws Exception {
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"gate_failed\",\"ts\":\"2014-02-14T15:00:00Z\",\"epoch\":2,\"candidateVersion\":13}"))
        .anySatisfy(e -> assertThat(e).contains("candidateLoss"));
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"rolled_back\",\"ts\":\"2014-02-14T15:00:00Z\",\"epoch\":2,\"version\":14}"))
        .anySatisfy(e -> assertThat(e).contains("restoredFrom"));
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"retrained\",\"ts\":\"2014-02-14T15:00:00Z\",\"epoch\":2}"))
        .isNotEmpty();
    // the command of command_applied is checked against the control-command schema
    assertThat(
            errors(
                "model-event.schema.json",
                "{\"type\":\"command_applied\",\"ts\":\"2014-02-14T15:00:00Z\",\"epoch\":2,"
                    + "\"command\":{\"command\":\"rollback\"},\"applied\":false}"))
        .anySatisfy(e -> assertThat(e).contains("version"));
  }

  @Test
  void shouldRefuseCommandsWithoutTheVersionTheyNeedOrWithOneTheyDoNotTake() throws Exception {
    assertThat(errors("control-command.schema.json", "{\"command\":\"rollback\"}")).isNotEmpty();
    assertThat(errors("control-command.schema.json", "{\"command\":\"pin\"}")).isNotEmpty();
    assertThat(errors("control-command.schema.json", "{\"command\":\"pause\",\"version\":3}"))
        .isNotEmpty();
    assertThat(errors("control-command.schema.json", "{\"command\":\"delete\"}")).isNotEmpty();
    assertThat(errors("control-command.schema.json", "{\"command\":\"rollback\",\"version\":0}"))
        .isNotEmpty();
    assertThat(errors("control-command.schema.json", "{\"command\":\"update-now\",\"force\":true}"))
        .isNotEmpty();
    assertThat(errors("control-command.schema.json", "{\"command\":\"rollback\",\"version\":12}"))
        .isEmpty();
  }

  private static List<String> errors(String file, String json) throws Exception {
    return ContractSchemas.errors(file, ContractSchemas.JSON.readTree(json));
  }
}
