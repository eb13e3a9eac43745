package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GemmTest {

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
      for (boolean ta : List.of(false, true)) {
        for (boolean tb : List.of(false, true)) {
          for (int[] mnk : List.of(new int[] {7, 5, 3}, new int[] {1, 9, 4}, new int[] {6, 1, 1})) {
            cases.add(Arguments.of(type, ta, tb, mnk[0], mnk[1], mnk[2]));
          }
        }
      }
    }
    return cases.stream();
  }

  private static INDArray operand(
      DataType type, boolean transposed, long rows, long cols, int seed) {
    Nd4j.getRandom().setSeed(seed);
    return transposed ? Nd4j.randn(type, cols, rows) : Nd4j.randn(type, rows, cols);
  }

  @ParameterizedTest(name = "{0} transposeA={1} transposeB={2} m={3} n={4} k={5}")
  @MethodSource("cases")
  void shouldMatchNd4jGemmForEveryTransposeTypeAndShape(
      DataType type, boolean ta, boolean tb, int m, int n, int k) {
    INDArray a = operand(type, ta, m, k, 1);
    INDArray b = operand(type, tb, k, n, 2);
    INDArray c0 = operand(type, false, m, n, 3);
    INDArray expected = c0.dup();
    INDArray actual = c0.dup();

    Nd4j.gemm(a, b, expected, ta, tb, 0.7, 0.3);
    Gemm.gemm(a, b, actual, ta, tb, 0.7, 0.3);

    assertThat(Gemm.direct()).as("the CPU backend calls OpenBLAS directly").isTrue();
    double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
    assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(tolerance);
  }

  @Test
  void shouldReadAndWriteViewsAtTheirOffsetsAndStrides() {
    INDArray x = Nd4j.linspace(1, 3 * 8 * 5, 3 * 8 * 5, DataType.FLOAT).reshape(3, 8, 5).divi(50);
    INDArray w = Nd4j.linspace(-1, 1, 3 * 5 * 4, DataType.FLOAT).reshape(3, 5, 4);
    INDArray out = Nd4j.zeros(DataType.FLOAT, 3, 8, 4);
    INDArray wide = Nd4j.zeros(DataType.FLOAT, 8, 10);

    for (int v = 0; v < 3; v++) {
      Gemm.gemm(x.slice(v), w.slice(v), out.slice(v), false, false, 1, 0);
    }
    // columns 3..7 of a wider array: rows of stride 10, the first element at offset 3
    INDArray columns = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 7));
    Gemm.gemm(x.slice(2), w.slice(2), columns, false, false, 1, 0);

    for (int v = 0; v < 3; v++) {
      assertThat(out.slice(v).sub(x.slice(v).mmul(w.slice(v))).amaxNumber().doubleValue())
          .isLessThan(1e-5);
    }
    assertThat(columns.sub(out.slice(2)).amaxNumber().doubleValue()).isLessThan(1e-6);
    assertThat(wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).sumNumber().doubleValue())
        .as("nothing written outside the view")
        .isZero();
    assertThat(wide.get(NDArrayIndex.all(), NDArrayIndex.interval(7, 10)).sumNumber().doubleValue())
        .isZero();
  }

  @Test
  void shouldFallBackToNd4jForLayoutsBlasCannotTake() {
    INDArray a = Nd4j.randn(DataType.FLOAT, 4, 6);
    INDArray b = Nd4j.randn(DataType.FLOAT, 4, 3);
    INDArray expected = a.transpose().mmul(b);
    INDArray actual = Nd4j.zeros(DataType.FLOAT, 6, 3);

    // a transposed view is column-major: Nd4j.gemm takes it
    Gemm.gemm(a.transpose(), b, actual, false, false, 1, 0);

    assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-5);
  }

  @Test
  void shouldRejectMismatchedShapesNamingThem() {
    INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 6);
    INDArray b = Nd4j.zeros(DataType.FLOAT, 5, 3);

    assertThatThrownBy(() -> Gemm.gemm(a, b, Nd4j.zeros(DataType.FLOAT, 4, 3), false, false, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[4, 6]")
        .hasMessageContaining("[5, 3]");
  }
}
