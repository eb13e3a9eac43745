package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JavaScratchTest {

  @Test
  void outsideOfAScopeEveryRequestIsANewArray() {
    assertThat(JavaScratch.doubles(8)).isNotSameAs(JavaScratch.doubles(8));
    assertThat(JavaScratch.floats(8)).isNotSameAs(JavaScratch.floats(8));
  }

  @Test
  void aScopeHandsOutDistinctArraysAndTheNextScopeReusesThem() {
    AtomicReference<double[]> first = new AtomicReference<>();
    AtomicReference<double[]> second = new AtomicReference<>();
    JavaScratch.scoped(
        () -> {
          first.set(JavaScratch.doubles(16));
          second.set(JavaScratch.doubles(16));
          // nested scopes release nothing before the outermost ends
          JavaScratch.scoped(() -> JavaScratch.doubles(16));
          return null;
        });
    assertThat(first.get()).isNotSameAs(second.get());

    double[][] next = new double[3][];
    JavaScratch.scoped(
        () -> {
          first.get()[0] = 42;
          next[0] = JavaScratch.doubles(16);
          next[1] = JavaScratch.zeros(16);
          next[2] = JavaScratch.doubles(16);
          return null;
        });
    assertThat(next[0]).isNotSameAs(next[1]).isNotSameAs(next[2]);
    assertThat(next[1]).isNotSameAs(next[2]);
    // the three arrays of the first scope, reused
    assertThat(java.util.List.of(next[0], next[1], next[2]))
        .anySatisfy(a -> assertThat(a).isSameAs(first.get()))
        .anySatisfy(a -> assertThat(a).isSameAs(second.get()));
    assertThat(next[1]).containsOnly(0.0);
    assertThat(JavaScratch.pooledValues()).isGreaterThanOrEqualTo(3 * 16);
  }

  @Test
  void arraysAreReusedOnlyAtTheirExactLength() {
    double[][] got = new double[2][];
    JavaScratch.scoped(() -> got[0] = JavaScratch.doubles(5));
    JavaScratch.scoped(() -> got[1] = JavaScratch.doubles(6));
    assertThat(got[1]).hasSize(6).isNotSameAs(got[0]);
    JavaScratch.scoped(() -> got[1] = JavaScratch.doubles(5));
    assertThat(got[1]).isSameAs(got[0]);
  }

  @Test
  void largeArraysAreNeverPooled() {
    double[][] got = new double[2][];
    JavaScratch.scoped(() -> got[0] = JavaScratch.doubles(JavaScratch.MAX_POOLED + 1));
    JavaScratch.scoped(() -> got[1] = JavaScratch.doubles(JavaScratch.MAX_POOLED + 1));
    assertThat(got[1]).isNotSameAs(got[0]);
  }

  @Test
  void aFailingScopeStillReturnsItsArrays() {
    double[][] got = new double[2][];
    try {
      JavaScratch.scoped(
          () -> {
            got[0] = JavaScratch.doubles(7);
            throw new IllegalStateException("boom");
          });
    } catch (IllegalStateException expected) {
      // the pool must not be left open
    }
    JavaScratch.scoped(() -> got[1] = JavaScratch.doubles(7));
    assertThat(got[1]).isSameAs(got[0]);
  }
}
