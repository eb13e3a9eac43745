package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A change detector over a stream of prediction errors; it resets itself after each detection, so
 * the next one measures against the new regime.
 */
public interface DriftDetector {
  /** The config name: seed, page_hinkley or adwin. */
  String name();

  /** Adds one error; true when drift is detected with this value. */
  boolean update(double x);

  /** The statistic that crossed the threshold at the last detection (for the drift event). */
  double statistic();

  /** The threshold that statistic was compared with. */
  double threshold();

  /** Forgets everything seen (after a promotion the errors belong to a new model). */
  void reset();

  void write(DataOutput out) throws IOException;

  void read(DataInput in) throws IOException;
}
