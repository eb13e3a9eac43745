package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.job.serving.TinyModels;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.OnlineLearner;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.control.Command;
import org.tftflink.model.online.federated.FederatedRound;
import org.tftflink.model.online.federated.ShardUpdate;
import org.tftflink.model.online.tft.TftModelOps;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.online.update.Candidate;

/**
 * The online learner's real outputs and inputs against their topic schemas: the model events it
 * writes when operators send it commands validate against model-event.schema.json, the schema lists
 * exactly the learner's event types, and control-command.schema.json accepts a command line exactly
 * when the learner's parser does. (No Flink trainer writes them to Kafka yet.)
 */
class LearnerContractsTest {

  private static final long T0 = 1_392_388_200_000L;

  @Test
  void shouldWriteModelEventsThatMatchTheModelEventSchema() throws Exception {
    TftModelOps ops =
        TftModelOps.fromEnvelope(TinyModels.envelope(TinyModels.config(12, 16), 1, 1));
    OnlineLearner<TftWeights> learner =
        new OnlineLearner<>(OnlineConfig.defaults(), ops, ops.initial(), T0);
    List<LearningEvent> events = new ArrayList<>();
    long t = T0;
    for (String line :
        List.of(
            "pause", "resume", "pin 1", "unpin", "update-now", "rollback 99", "delete", "pin")) {
      t += 300_000;
      events.addAll(learner.command(line, t));
    }
    events.addAll(learner.drainEvents());

    assertThat(events)
        .extracting(LearningEvent::type)
        .contains("command_applied", "command_rejected");
    for (LearningEvent e : events) {
      JsonNode line = ContractSchemas.JSON.readTree(e.toJson());
      assertThat(ContractSchemas.errors("model-event.schema.json", line)).as(e.toJson()).isEmpty();
    }
  }

  @Test
  void shouldWriteAFederatedRoundLineThatMatchesTheModelEventSchema() throws Exception {
    TftModelOps ops =
        TftModelOps.fromEnvelope(TinyModels.envelope(TinyModels.config(12, 16), 1, 1));
    List<ShardUpdate<TftWeights>> updates =
        List.of(
            new ShardUpdate<>(0, T0, 1, new Candidate<>(ops.initial(), 0.2, 3, 38, null)),
            new ShardUpdate<>(1, T0, 1, new Candidate<>(ops.initial(), 0.3, 3, 41, null)),
            new ShardUpdate<>(2, T0, 1, new Candidate<>(null, Double.NaN, 0, 5, "nan")));

    LearningEvent e = FederatedRound.of(3, T0, 1, updates).toEvent(T0);

    JsonNode line = ContractSchemas.JSON.readTree(e.toJson());
    assertThat(ContractSchemas.errors("model-event.schema.json", line)).as(e.toJson()).isEmpty();
    assertThat(line.get("type").asText()).isEqualTo(LearningEvent.FEDERATED_ROUND);
    assertThat(line.at("/details/shards").asInt()).isEqualTo(3);
    assertThat(line.at("/details/shard_samples").toString()).isEqualTo("[38,41,5]");
  }

  @Test
  void shouldListExactlyTheLearnersEventTypes() throws Exception {
    Set<String> types = new HashSet<>();
    for (Field f : LearningEvent.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        types.add((String) f.get(null));
      }
    }
    Set<String> schema = new HashSet<>();
    ContractSchemas.node("model-event.schema.json")
        .at("/properties/type/enum")
        .forEach(t -> schema.add(t.asText()));

    assertThat(schema).isEqualTo(types);
  }

  @Test
  void shouldAcceptACommandLineExactlyWhenTheLearnersParserDoes() {
    List<String> lines =
        List.of(
            "rollback 3",
            "pin 12",
            "unpin",
            "pause",
            "resume",
            "update-now",
            "  rollback   7  ",
            "rollback 03",
            "rollback",
            "rollback 0",
            "rollback x",
            "rollback 1 2",
            "pin -1",
            "pause now",
            "delete",
            "",
            "update now",
            "rollback 99999999999999999999");
    for (String line : lines) {
      boolean parses;
      try {
        Command.parse(line);
        parses = true;
      } catch (IllegalArgumentException e) {
        parses = false;
      }
      assertThat(
              ContractSchemas.errors("control-command.schema.json", new TextNode(line)).isEmpty())
          .as("schema verdict on '" + line + "' (parser: " + parses + ")")
          .isEqualTo(parses);
    }
  }
}
