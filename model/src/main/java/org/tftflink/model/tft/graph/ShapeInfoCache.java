package org.tftflink.model.tft.graph;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.ShapeInfoProvider;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's shape-information provider with a cache in front of the overload that every {@code
 * reshape}, {@code dup} and {@code createUninitialized} goes through.
 *
 * <p>Why: the CPU backend's provider caches only its other overload, so each of those calls
 * allocates a native shape buffer with a javacpp deallocator and an ND4J reference, freed only
 * after a garbage collection. A batch-1 forward pass made hundreds of them; at each young
 * collection the bookkeeping of the buffers allocated since the last one (16 MB) was still
 * reachable and copied, which made every collection 25-40 ms and the batch-1 p99 latency 26-30 ms
 * (median 4 ms). A shape buffer is a constant (ND4J marks it so and never writes it after
 * creation), so arrays of the same shape, strides and type can share one: 134 distinct shapes cover
 * a forward pass.
 *
 * <p>Installed once per class loader ({@link #install}) over the CPU backend's provider only; the
 * CUDA backend keeps its own (per-device buffers). The cache is bounded: past {@link #MAX_ENTRIES}
 * it starts over, and the buffers it drops live on with the arrays that use them.
 */
public final class ShapeInfoCache implements ShapeInfoProvider {
  /** Distinct shapes kept before the cache starts over (about 300 bytes each). */
  static final int MAX_ENTRIES = 20_000;

  private static final String CPU_PROVIDER =
      "org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider";

  private final ShapeInfoProvider delegate;
  private final int maxEntries;
  private final ConcurrentHashMap<Key, Pair<DataBuffer, long[]>> cache = new ConcurrentHashMap<>();

  ShapeInfoCache(ShapeInfoProvider delegate, int maxEntries) {
    this.delegate = delegate;
    this.maxEntries = maxEntries;
  }

  /**
   * Puts the cache in front of ND4J's provider when that is the CPU backend's; does nothing when it
   * is installed already, or for another backend, or with {@code -Dtft.shapeInfoCache=false} (a
   * switch for diagnosis). Returns whether the cache is in place.
   */
  public static synchronized boolean install() {
    ShapeInfoProvider current = Nd4j.getShapeInfoProvider();
    if (current instanceof ShapeInfoCache) {
      return true;
    }
    if (!Boolean.parseBoolean(System.getProperty("tft.shapeInfoCache", "true"))) {
      return false;
    }
    if (current == null || !current.getClass().getName().equals(CPU_PROVIDER)) {
      return false;
    }
    try {
      // Nd4j has no setter; the field is read by every getShapeInfoProvider() call
      Field field = Nd4j.class.getDeclaredField("shapeInfoProvider");
      field.setAccessible(true);
      field.set(null, new ShapeInfoCache(current, MAX_ENTRIES));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another ND4J version: everything works as before, only without the cache
      return false;
    }
  }

  /** Distinct shapes cached now. */
  int size() {
    return cache.size();
  }

  @Override
  public Pair<DataBuffer, long[]> createShapeInformation(
      long[] shape,
      long[] stride,
      long elementWiseStride,
      char order,
      DataType type,
      boolean empty) {
    Key probe = new Key(shape, stride, elementWiseStride, order, type, empty);
    Pair<DataBuffer, long[]> cached = cache.get(probe);
    if (cached != null) {
      return cached;
    }
    Pair<DataBuffer, long[]> created =
        delegate.createShapeInformation(shape, stride, elementWiseStride, order, type, empty);
    if (cache.size() >= maxEntries) {
      cache.clear();
    }
    // the caller may reuse its arrays: the stored key holds copies
    Pair<DataBuffer, long[]> raced =
        cache.putIfAbsent(
            new Key(shape.clone(), stride.clone(), elementWiseStride, order, type, empty), created);
    return raced == null ? created : raced;
  }

  @Override
  public Pair<DataBuffer, long[]> createShapeInformation(long[] shape, DataType type) {
    return createShapeInformation(shape, Nd4j.order(), type);
  }

  @Override
  public Pair<DataBuffer, long[]> createShapeInformation(long[] shape, char order, DataType type) {
    // as BaseShapeInfoProvider: default strides, element-wise stride 1, not empty
    return createShapeInformation(shape, Nd4j.getStrides(shape, order), 1, order, type, false);
  }

  @Override
  public Pair<DataBuffer, long[]> createShapeInformation(
      long[] shape, long[] stride, long elementWiseStride, char order, long extras) {
    return delegate.createShapeInformation(shape, stride, elementWiseStride, order, extras);
  }

  @Override
  public void purgeCache() {
    cache.clear();
    delegate.purgeCache();
  }

  @Override
  public long getCachedBytes() {
    return delegate.getCachedBytes();
  }

  private record Key(
      long[] shape,
      long[] stride,
      long elementWiseStride,
      char order,
      DataType type,
      boolean empty) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && elementWiseStride == k.elementWiseStride
          && order == k.order
          && type == k.type
          && empty == k.empty
          && Arrays.equals(shape, k.shape)
          && Arrays.equals(stride, k.stride);
    }

    @Override
    public int hashCode() {
      int h = Arrays.hashCode(shape);
      h = 31 * h + Arrays.hashCode(stride);
      h = 31 * h + Long.hashCode(elementWiseStride);
      h = 31 * h + order;
      h = 31 * h + type.ordinal();
      return 31 * h + (empty ? 1 : 0);
    }

    @Override
    public String toString() {
      return Arrays.toString(shape) + " " + Arrays.toString(stride) + " " + order + " " + type;
    }
  }
}
