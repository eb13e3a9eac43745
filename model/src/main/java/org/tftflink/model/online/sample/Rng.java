package org.tftflink.model.online.sample;

/**
 * A seeded SplitMix64 generator whose whole state is one long, so that the learner's snapshot
 * restores it exactly (java.util.Random hides its state).
 */
public final class Rng {
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** The state to snapshot; {@code new Rng(state())} continues the same sequence. */
  public long state() {
    return state;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    return (int) Math.floorMod(nextLong(), (long) bound);
  }
}
