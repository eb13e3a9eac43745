package org.tftflink.model.tft.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.graph.TftGraph;

/** Block names cover every TFT parameter exactly once and select the right ones. */
class ModelBlocksTest {
  @Test
  void shouldPlaceEveryParameterInExactlyOneNamedBlock() {
    for (TftConfig c :
        new TftConfig[] {
          TestWindows.tinyConfig(), TestWindows.tinyConfig().toBuilder().lstmLayers(2).build()
        }) {
      Set<String> names = TftGraph.build(c).parameters().keySet();
      int covered = 0;
      for (String block : ModelBlocks.GROUPS.keySet()) {
        covered += ModelBlocks.trainable(Set.of(block), names).size();
      }
      assertThat(covered).isEqualTo(names.size());
      assertThat(names).allSatisfy(n -> assertThat(ModelBlocks.groupOf(n)).as(n).isNotNull());
    }
  }

  @Test
  void shouldSelectScopesAndGroupsTogether() {
    Set<String> names = TftGraph.build(TestWindows.tinyConfig()).parameters().keySet();

    Set<String> chosen = ModelBlocks.trainable(Set.of("output", "attention"), names);

    assertThat(chosen)
        .isNotEmpty()
        .allMatch(n -> n.startsWith("output/") || n.startsWith("attention/"));
    assertThat(ModelBlocks.trainable(Set.of(), names)).isEqualTo(names);
  }

  @Test
  void shouldRejectABlockThatMatchesNoParameter() {
    Set<String> names = TftGraph.build(TestWindows.tinyConfig()).parameters().keySet();

    assertThatThrownBy(() -> ModelBlocks.trainable(Set.of("decodr"), names))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'decodr'")
        .hasMessageContaining("variable_selection");
  }
}
