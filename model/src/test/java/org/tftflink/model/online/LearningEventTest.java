package org.tftflink.model.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningEventTest {
  @Test
  void shouldWriteOneJsonLineEvenWithNonFiniteFigures() throws Exception {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reason", "gate");
    d.put("ratio", Double.NaN);
    d.put("served", List.of(3L, 2L));
    String json = new LearningEvent(LearningEvent.GATE_FAILED, 1000, 4, d).toJson();
    assertThat(json).doesNotContain("\n");
    JsonNode n = new ObjectMapper().readTree(json);
    assertThat(n.get("type").asText()).isEqualTo("gate_failed");
    assertThat(n.get("version").asLong()).isEqualTo(4);
    assertThat(n.get("details").get("ratio").asText()).isEqualTo("NaN");
    assertThat(n.get("details").get("served").get(1).asLong()).isEqualTo(2);
  }
}
