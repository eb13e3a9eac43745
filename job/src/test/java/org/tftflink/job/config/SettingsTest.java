package org.tftflink.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.model.grid.StepGridConfig.Aggregation;

class SettingsTest {

  @Test
  void shouldParseDurationsInShortAndIsoForms() {
    assertThat(Options.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Options.duration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Options.duration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Options.duration("PT5M")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void shouldApplyFileThenSetInOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "target=mem\ngrid.step=1m\ncovariates=cpu, disk\n");

    Settings s =
        Settings.defaults().withFile(file).with("grid.step", "10m").with("grid.aggregation", "max");

    assertThat(s.get(Options.TARGET)).isEqualTo("mem");
    assertThat(s.get(Options.STEP)).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.get(Options.COVARIATES)).containsExactly("cpu", "disk");
    assertThat(s.get(Options.AGGREGATION)).isEqualTo(Aggregation.MAX);
    assertThat(s.get(Options.HORIZON)).isEqualTo(12); // untouched default
  }

  @Test
  void shouldNameTheOptionAndRuleOfABadValue() {
    assertThatThrownBy(() -> Settings.defaults().with("forecast.horizon", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forecast.horizon")
        .hasMessageContaining("[1, 10000]");
    assertThatThrownBy(() -> Settings.defaults().with("grid.aggregation", "median"))
        .hasMessageContaining("one of [mean, last, max]");
    assertThatThrownBy(() -> Settings.defaults().with("grid.step", "5 parsecs"))
        .hasMessageContaining("grid.step");
  }

  @Test
  void shouldRejectAnUnknownOption() {
    assertThatThrownBy(() -> Settings.defaults().with("grid.stpe", "5m"))
        .hasMessageContaining("unknown option 'grid.stpe'");
  }

  @Test
  void shouldDeriveTheRingCapacityFromModelAndBaselineNeeds() {
    PipelineConfig c = PipelineConfig.from(Settings.defaults());
    // one day of 5-minute steps (288) plus 144 residuals is longer than the encoder's 288
    assertThat(c.grid().capacitySteps()).isEqualTo(288 + 144);
    assertThat(c.baseline().seasonSteps()).isEqualTo(288);
    assertThat(c.parser().targetMetric()).isEqualTo("cpu");
  }

  @Test
  void shouldRejectASeasonThatIsNotAWholeNumberOfSteps() {
    Settings s = Settings.defaults().with("grid.step", "7m");
    assertThatThrownBy(() -> PipelineConfig.from(s)).hasMessageContaining("baseline.season");
  }

  @Test
  void shouldListEveryOptionOnce() {
    List<String> names = Options.all().stream().map(Option::name).toList();
    assertThat(names).doesNotHaveDuplicates().contains("target", "grid.step", "kafka.bootstrap");
  }

  @Test
  void shouldKeepKafkaClientSettingsUnderTheirPrefixAsGiven() {
    Settings s =
        Settings.defaults()
            .with("kafka.client.security.protocol", "SASL_SSL")
            .with("kafka.client.sasl.mechanism", " SCRAM-SHA-512 ");

    org.assertj.core.api.Assertions.assertThat(s.withPrefix(Options.KAFKA_CLIENT_PREFIX))
        .containsExactly(
            java.util.Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            java.util.Map.entry("security.protocol", "SASL_SSL"));
  }
}
