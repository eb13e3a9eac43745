package org.tftflink.job.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The short profile of every chaos scenario, as in {@code ./tft chaos --all}: the real job on a
 * MiniCluster with RocksDB against one embedded broker; each verdict must pass.
 */
@Tag("chaos")
class ChaosSuiteShortTest {

  private static ChaosContext context;

  @BeforeAll
  static void startBroker() {
    context = ChaosContext.start();
  }

  @AfterAll
  static void stopBroker() {
    context.close();
  }

  static List<String> scenarios() {
    return ChaosSuite.scenarios().stream().map(Scenario::name).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldPassScenarioOnShortProfile(String name) throws Exception {
    Verdict v = ChaosSuite.find(name).orElseThrow().run(context, Profile.SHORT);
    System.out.println(v.line());

    assertThat(v.problems()).as(v.line()).isEmpty();
  }
}
