package org.tftflink.model.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The parser configuration has the documented defaults and refuses impossible values. */
class EventParserConfigTest {

  @Test
  void shouldUseDocumentedDefaultsWhenBuiltForATarget() {
    EventParserConfig config = EventParserConfig.forTarget("cpu");

    assertThat(config.targetMetric()).isEqualTo("cpu");
    assertThat(config.maxMessageBytes()).isEqualTo(65_536);
    assertThat(config.maxHostLength()).isEqualTo(253);
    assertThat(config.maxMetrics()).isEqualTo(64);
    assertThat(config.maxTags()).isEqualTo(64);
    assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofDays(1));
    assertThat(config.clock()).isEqualTo(Clock.systemUTC());
  }

  @Test
  void shouldChangeOnlyOneLimitWhenAWitherIsCalled() {
    EventParserConfig config =
        EventParserConfig.forTarget("cpu").withMaxTags(3).withMaxFutureSkew(Duration.ZERO);

    assertThat(config.maxTags()).isEqualTo(3);
    assertThat(config.maxFutureSkew()).isZero();
    assertThat(config.maxMetrics()).isEqualTo(EventParserConfig.DEFAULT_MAX_METRICS);
  }

  @Test
  void shouldRefuseConfigurationWhenALimitIsNotPositive() {
    EventParserConfig config = EventParserConfig.forTarget("cpu");

    assertThatThrownBy(() -> config.withMaxMessageBytes(0)).hasMessageContaining("maxMessageBytes");
    assertThatThrownBy(() -> config.withMaxHostLength(-1)).hasMessageContaining("maxHostLength");
    assertThatThrownBy(() -> config.withMaxMetrics(0)).hasMessageContaining("maxMetrics");
    assertThatThrownBy(() -> config.withMaxTags(0)).hasMessageContaining("maxTags");
    assertThatThrownBy(() -> config.withMaxFutureSkew(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxFutureSkew");
    assertThatThrownBy(() -> EventParserConfig.forTarget(" ")).hasMessageContaining("targetMetric");
  }

  @Test
  void shouldAcceptAnyTimestampUpToFarFutureWhenSkewIsHuge() {
    EventParser parser =
        new EventParser(
            EventParserConfig.forTarget("cpu")
                .withMaxFutureSkew(Duration.ofDays(365L * 1_000_000_000)));

    ParseResult result =
        parser.parse(
            "{\"host\":\"a\",\"ts\":\"9999-12-31T23:59:59Z\",\"metrics\":{\"cpu\":1}}".getBytes());

    assertThat(result).isInstanceOf(ParseResult.Valid.class);
  }
}
