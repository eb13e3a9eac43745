package org.tftflink.model.online.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetCheckTest {

  private static Map<String, Object> method(
      double q50, double cov, Integer adapt, Double forget, Double fpRatio, Integer detected) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("qrisk50", q50);
    m.put("coverage_band", cov);
    m.put("median_adaptation_steps", adapt == null ? null : adapt.doubleValue());
    m.put("mean_forgetting", forget);
    m.put("false_positives_vs_frozen", fpRatio);
    m.put("windows_detected", detected);
    return m;
  }

  @Test
  void shouldPickTheOnlineStrategyWithTheLowestQRiskAndCheckItsTargets() {
    Map<String, Object> means = new LinkedHashMap<>();
    means.put("frozen", method(0.40, 0.70, 30, 0.0, 1.0, 2));
    means.put("sliding_window", method(0.36, 0.78, 10, 0.05, 0.6, 2));
    means.put("replay", method(0.33, 0.90, 20, 0.2, 0.8, 1));
    means.put("repeat_last", method(0.35, Double.NaN, 5, null, null, null));
    means.put("seasonal_naive", method(0.50, Double.NaN, 5, null, null, null));

    Map<String, Object> t = TargetCheck.of(means);

    assertThat(t.get("best_online_strategy")).isEqualTo("replay");
    assertThat((Double) t.get("qrisk50_vs_frozen")).isCloseTo(0.825, within(1e-12));
    assertThat(t.get("qrisk50_vs_frozen_met")).isEqualTo(true);
    assertThat(t.get("below_both_baselines")).isEqualTo(true);
    assertThat(t.get("median_adaptation_steps_met")).isEqualTo(false);
    assertThat(t.get("coverage_band_met")).isEqualTo(false);
    assertThat(t.get("mean_forgetting_met")).isEqualTo(false);
    // 20% fewer false positives, and one window fewer detected: missed
    assertThat(t.get("false_positives_vs_frozen_met")).isEqualTo(false);
  }

  @Test
  void shouldBeEmptyWithoutAFrozenModelToCompareWith() {
    Map<String, Object> means = new LinkedHashMap<>();
    means.put("sliding_window", method(0.36, 0.78, 10, 0.05, 0.6, 2));
    assertThat(TargetCheck.of(means)).isEmpty();
  }
}
