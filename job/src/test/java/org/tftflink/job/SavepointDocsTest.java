package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.operators.Uids;
import org.tftflink.operators.forecast.HostForecaster;
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
    for (String uid :
        List.of(
            Uids.METRICS_SOURCE,
            Uids.MODELS_SOURCE,
            Uids.ROUTE_DEAD_LETTERS,
            Uids.HOST_FORECASTER,
            Uids.FORECASTS_SINK,
            Uids.DEAD_LETTER_SINK)) {
      assertThat(doc).as("uid %s", uid).contains("| `" + uid + "` |");
    }
    for (String name :
        List.of(
            Uids.METRICS_SOURCE_NAME,
            Uids.MODELS_SOURCE_NAME,
            Uids.ROUTE_DEAD_LETTERS_NAME,
            Uids.HOST_FORECASTER_NAME,
            Uids.FORECASTS_SINK_NAME,
            Uids.DEAD_LETTER_SINK_NAME)) {
      assertThat(doc).as("operator name %s", name).contains("| " + name + " |");
    }
    assertThat(doc)
        .contains("`" + HostForecaster.HISTORY_STATE + "`")
        .contains("`" + HostForecaster.OPEN_STEPS_STATE + "`")
        .contains("`" + HostForecaster.LAST_STEP_STATE + "`")
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
    assertThat(documented).isEqualTo(6);
  }
}
