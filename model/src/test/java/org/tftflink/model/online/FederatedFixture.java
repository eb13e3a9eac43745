package org.tftflink.model.online;

import java.util.List;
import java.util.Map;
import org.tftflink.model.online.config.OnlineConfig;

/**
 * What the federated tests share: the linear test model trained on the first 200 steps of a
 * level-shifted series, a test configuration with hold-out blocks, two-hour rounds, and samples as
 * the frozen model served them.
 */
abstract class FederatedFixture {
  static final int TRAIN_END = 200;
  static final long ROUND = 7_200_000L;
  final LinearArOps ops = new LinearArOps();
  final double[] y = SyntheticStream.levelShift(5, 700, 400, 10, 16);
  final LinearAr frozen = SyntheticStream.trainFrozen(ops, y, TRAIN_END);
  final OnlineConfig config =
      SyntheticStream.testConfig(Map.of("holdout_share", "0.25", "holdout_block_minutes", "120"));

  MaturedSample sample(String host, int origin) {
    double[][] served = ops.predict(frozen, List.of(SyntheticStream.window(y, origin)))[0];
    return new MaturedSample(
        host, origin * SyntheticStream.STEP_MS, SyntheticStream.sample(y, origin), served, 1);
  }
}
