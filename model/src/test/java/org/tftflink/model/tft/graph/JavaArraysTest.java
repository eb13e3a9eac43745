package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Copies between ND4J arrays and Java arrays, views and other data types included. */
class JavaArraysTest {
  private static INDArray counting(DataType type) {
    return Nd4j.arange(12).castTo(type).reshape(3, 4);
  }

  @Test
  void shouldReadRowMajorValuesWhenArrayIsViewOrTransposedOrFloat() {
    INDArray a = counting(DataType.DOUBLE);

    assertThat(JavaArrays.values(a)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(JavaArrays.values(a.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(1, 3))))
        .containsExactly(5, 6, 9, 10);
    assertThat(JavaArrays.values(a.transpose()))
        .containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
    assertThat(JavaArrays.values(counting(DataType.FLOAT).getRow(2))).containsExactly(8, 9, 10, 11);
  }

  @Test
  void shouldCopySpanIntoOffsetWhenAsked() {
    double[] into = new double[6];

    JavaArrays.into(counting(DataType.DOUBLE), into, 5, 1, 4);

    assertThat(into).containsExactly(0, 5, 6, 7, 8, 0);
  }

  @Test
  void shouldCreateArrayOfShapeWhenLengthsAgree() {
    INDArray a = JavaArrays.array(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);

    assertThat(a.dataType()).isEqualTo(DataType.DOUBLE);
    assertThat(a.shape()).containsExactly(2, 3);
    assertThat(a.getDouble(1, 0)).isEqualTo(4);
    assertThatThrownBy(() -> JavaArrays.array(new double[5], 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 values");
  }
}
