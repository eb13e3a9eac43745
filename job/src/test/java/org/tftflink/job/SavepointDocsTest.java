package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.operators.Uids;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.online.FederatedTrainer;
import org.tftflink.operators.online.OnlineTrainer;
import org.tftflink.operators.online.ShardTrainer;
import org.tftflink.operators.serving.ServingModelState;

/** savepoints-docs/README.md names every operator uid and state of the code, and nothing else. */
class SavepointDocsTest {

  private static String docs() throws Exception {
    Path p = Path.of("..", "savepoints-docs", "README.md");
    return Files.readString(p);
  }

  @Test
  void shouldDocumentEveryOperatorUidAndState() throws Exception {
    String doc = docs();
    for (String uid : uids()) {
      assertThat(doc).as("uid %s", uid).contains("| `" + uid + "` |");
    }
    for (String name : constants("_NAME")) {
      assertThat(doc).as("operator name %s", name).contains("| " + name + " |");
    }
    assertThat(doc)
        .contains("`" + HostForecaster.HISTORY_STATE + "`")
        .contains("`" + HostForecaster.OPEN_STEPS_STATE + "`")
        .contains("`" + HostForecaster.LAST_STEP_STATE + "`")
        .contains("`" + HostForecaster.PENDING_STATE + "`")
        .contains("`" + OnlineTrainer.LEARNER_STATE + "`")
        .contains("`" + OnlineTrainer.EPOCH_STATE + "`")
        .contains("`" + OnlineTrainer.SERVED_STATE + "`")
        .contains("`" + OnlineTrainer.CANARY_STATE + "`")
        .contains("`" + FederatedTrainer.PENDING_STATE + "`")
        .contains("`" + ShardTrainer.SHARD_STATE + "`")
        .contains("`" + ShardTrainer.GLOBAL_STATE + "`")
        .contains("`" + HostForecaster.MODEL_STATE_NAME + "`")
        .contains("`" + HostForecaster.SERVED_KEY + "`");
    for (var field : ServingModelState.class.getFields()) {
      if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
        assertThat(doc)
            .as("ServingModelState field %s", field.getName())
            .contains("`" + field.getName() + "`");
      }
    }
  }

  @Test
  void shouldNotDocumentUidsThatNoLongerExist() throws Exception {
    long documented = docs().lines().filter(l -> l.matches("\\| `[a-z-]+` \\|.*")).count();
    assertThat(documented).isEqualTo(uids().size());
  }

  /** Every uid constant of {@link Uids}, so that a new operator cannot go undocumented. */
  private static List<String> uids() throws Exception {
    return constants("").stream().filter(v -> v.matches("[a-z-]+")).toList();
  }

  private static List<String> constants(String suffix) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (var field : Uids.class.getFields()) {
      boolean isName = field.getName().endsWith("_NAME");
      if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && (suffix.isEmpty() ? !isName : isName)) {
        out.add((String) field.get(null));
      }
    }
    return out;
  }
}
