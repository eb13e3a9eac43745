package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShapeInfoCacheTest {

  @Test
  void shouldShareOneShapeBufferBetweenArraysOfTheSameShapeOnceInstalled() {
    assertThat(ShapeInfoCache.install()).as("the CPU backend's provider is wrapped").isTrue();
    assertThat(Nd4j.getShapeInfoProvider()).isInstanceOf(ShapeInfoCache.class);
    assertThat(ShapeInfoCache.install()).as("a second install keeps the first").isTrue();

    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 7, 13);
    INDArray b = Nd4j.createUninitialized(DataType.FLOAT, 7, 13);
    INDArray r1 = Nd4j.linspace(1, 91, 91, DataType.DOUBLE).reshape(13, 7);
    INDArray r2 = Nd4j.linspace(1, 91, 91, DataType.DOUBLE).reshape(13, 7);

    assertThat(a.shapeInfoDataBuffer()).isSameAs(b.shapeInfoDataBuffer());
    assertThat(r1.shapeInfoDataBuffer()).isSameAs(r2.shapeInfoDataBuffer());
    assertThat(Nd4j.createUninitialized(DataType.DOUBLE, 7, 13).shapeInfoDataBuffer())
        .as("another type is another shape")
        .isNotSameAs(a.shapeInfoDataBuffer());
  }

  @Test
  void shouldGiveArraysTheShapesTypesAndValuesTheyHadWithoutTheCache() {
    ShapeInfoCache.install();
    INDArray x = Nd4j.linspace(1, 24, 24, DataType.DOUBLE).reshape(2, 3, 4);
    INDArray view = x.permute(0, 2, 1).dup('c').reshape(8, 3);

    assertThat(view.shape()).containsExactly(8, 3);
    assertThat(view.dataType()).isEqualTo(DataType.DOUBLE);
    assertThat(view.getDouble(1, 0)).isEqualTo(2.0);
    assertThat(view.getDouble(0, 1)).isEqualTo(5.0);
    assertThat(Nd4j.empty(DataType.FLOAT).isEmpty()).isTrue();
    assertThat(Nd4j.createUninitialized(DataType.FLOAT, 0, 5).isEmpty())
        .as("a zero dimension is empty, as ND4J's own provider says")
        .isTrue();
    assertThat(Nd4j.createUninitialized(DataType.FLOAT, 1, 5).isEmpty()).isFalse();
  }

  @Test
  void shouldStartOverPastItsBoundKeepingTheBuffersItDroppedUsable() {
    ShapeInfoCache cache = new ShapeInfoCache(Nd4j.getShapeInfoProvider(), 3);
    long[] shape = {1, 1};
    var first =
        cache.createShapeInformation(shape, new long[] {1, 1}, 1, 'c', DataType.FLOAT, false);
    shape[0] = 99; // a caller reusing its array does not change the stored key
    for (int n = 2; n <= 5; n++) {
      cache.createShapeInformation(
          new long[] {n, 1}, new long[] {1, 1}, 1, 'c', DataType.FLOAT, false);
    }

    assertThat(cache.size()).isLessThanOrEqualTo(3);
    assertThat(first.getFirst().asLong()).startsWith(2L, 1L, 1L);
    assertThat(first.getSecond()).startsWith(2L, 1L, 1L);
  }
}
