package org.tftflink.model.tft.train;

import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The seeded ND4J generator for dropout masks. ND4J 1.0.0-M2.1 does not seed a generator asked for
 * with seed 0 (three generators from {@code getNewRandomInstance(0)} drew three different mask
 * sequences in one JVM), so seed 0 is replaced by a fixed non-zero constant; every other seed is
 * used as given, which keeps the masks of existing trainings unchanged.
 */
final class DropoutRandom {
  /** What seed 0 stands for; a run seeded with this constant draws the same masks as seed 0. */
  static final long ZERO_SEED = 0x9E3779B97F4A7C15L;

  private DropoutRandom() {}

  static Random seeded(long seed) {
    return Nd4j.getRandomFactory().getNewRandomInstance(seed == 0 ? ZERO_SEED : seed);
  }
}
