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

  @ParameterizedTest(name = "{0} rows={1}")
  @MethodSource("denseCases")
  void denseShouldAddTheBiasAsTheProductAndBroadcastDo(DataType type, int rows) {
    Nd4j.getRandom().setSeed(11);
    INDArray x = Nd4j.randn(type, rows, 6);
    INDArray w = Nd4j.randn(type, 6, 5);
    INDArray b = Nd4j.randn(type, 5);
    INDArray expected = x.mmul(w);
    Broadcasts.addiRow(expected, b.reshape(1, 5));

    INDArray y = Nd4j.createUninitialized(type, rows, 5).assign(Double.NaN);
    INDArray actual = Gemm.dense(x, w, b, y);

    assertThat(actual).isSameAs(y);
    double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
    assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(tolerance);
    INDArray noBias = Gemm.dense(x, w, null, Nd4j.createUninitialized(type, rows, 5));
    assertThat(noBias.sub(x.mmul(w)).amaxNumber().doubleValue()).isLessThan(tolerance);
  }

  static Stream<Arguments> denseCases() {
    // 1 row, a few, and more than the first ones vector (1024) so that it grows
    return Stream.of(DataType.FLOAT, DataType.DOUBLE)
        .flatMap(t -> Stream.of(1, 7, 3000).map(n -> Arguments.of(t, n)));
  }

  @ParameterizedTest(name = "{0} rows={1}")
  @MethodSource("denseCases")
  void perSliceShouldMatchTheProductOfEachSlice(DataType type, int rows) {
    Nd4j.getRandom().setSeed(12);
    int slices = 3;
    INDArray x = Nd4j.randn(type, slices, rows, 4);
    INDArray w = Nd4j.randn(type, slices, 4, 6);
    INDArray b = Nd4j.randn(type, slices, 1, 6);
    INDArray y = Nd4j.createUninitialized(type, slices, rows, 6).assign(Double.NaN);
    INDArray unbiased = Nd4j.createUninitialized(type, slices, rows, 6).assign(Double.NaN);

    assertThat(Gemm.perSlice(x, w, b, y)).isTrue();
    assertThat(Gemm.perSlice(x, w, null, unbiased)).isTrue();

    double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
    for (int v = 0; v < slices; v++) {
      INDArray product = x.slice(v).mmul(w.slice(v));
      assertThat(unbiased.slice(v).sub(product).amaxNumber().doubleValue()).isLessThan(tolerance);
      INDArray biased = Broadcasts.addiRow(product, b.slice(v).reshape(1, 6));
      assertThat(y.slice(v).sub(biased).amaxNumber().doubleValue()).isLessThan(tolerance);
    }
  }

  @Test
  void perSliceShouldDeclineWhatItCannotTakeAndRejectMismatchedShapes() {
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 4);
    INDArray w = Nd4j.rand(DataType.FLOAT, 2, 4, 5);
    // a view, another type: left to the caller's own path, nothing written
    INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 3, 5);
    assertThat(Gemm.perSlice(x.permute(0, 2, 1).dup('f').permute(0, 2, 1), w, null, y)).isFalse();
    assertThat(Gemm.perSlice(x.castTo(DataType.DOUBLE), w, null, y)).isFalse();
    assertThat(y.sumNumber().doubleValue()).isZero();
    assertThatThrownBy(() -> Gemm.perSlice(x, w, null, Nd4j.zeros(DataType.FLOAT, 2, 3, 6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("per-slice gemm");
  }
}
