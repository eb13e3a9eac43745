package org.tftflink.model.online.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class VersionHistoryTest {
  private static ModelVersion v(long n, VersionStatus s) {
    return new ModelVersion(n, n - 1, 0, n, s, "schedule", 1, 1, 1);
  }

  @Test
  void shouldOnlyGrow() {
    VersionHistory<String> h = new VersionHistory<>(3);
    h.add(v(1, VersionStatus.INITIAL), "m1");
    assertThat(h.nextVersion()).isEqualTo(2);
    assertThatThrownBy(() -> h.add(v(1, VersionStatus.PROMOTED), "again"))
        .hasMessageContaining("versions only grow");
  }

  @Test
  void shouldKeepNoWeightsOfRejectedCandidates() {
    VersionHistory<String> h = new VersionHistory<>(3);
    h.add(v(1, VersionStatus.INITIAL), "m1");
    h.add(v(2, VersionStatus.REJECTED), "m2");
    assertThat(h.model(2)).isEmpty();
    assertThat(h.get(2)).isPresent();
  }

  @Test
  void shouldBoundKeptWeightsButKeepAllMetadataAndProtectedVersions() {
    VersionHistory<String> h = new VersionHistory<>(2);
    h.add(v(1, VersionStatus.INITIAL), "m1");
    for (long n = 2; n <= 6; n++) {
      h.add(v(n, VersionStatus.PROMOTED), "m" + n);
      h.prune(Set.of(1L));
    }
    assertThat(h.withWeights()).containsExactly(6L, 5L, 1L);
    assertThat(h.all()).hasSize(6);
  }
}
