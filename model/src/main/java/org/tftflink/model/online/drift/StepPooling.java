package org.tftflink.model.online.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Turns the errors of many hosts into one drift-detector input per step: the mean relative error of
 * a step's samples over the hosts. A detector fed each sample of 1,000 interleaved hosts compares
 * windows of 100 errors that hold different hosts, whose error levels differ far more than any
 * drift: in {@code ./tft bench online} every one of 9 to 13 updates was started by such a "drift".
 * Pooled per step, the windows compare the fleet's error over steps, which is what drift means
 * here.
 *
 * <p>A step's mean goes to the detector as soon as the step has as many samples as the step before
 * it had (every host has reported), or when a sample of a later step arrives. With one host that is
 * each sample at once (the first one waits for the second): a single series gives the detector the
 * same values as without pooling, so the same decisions. A late sample (of a step already passed
 * on) joins the current step. Samples after a step's mean went out (a host more than before) make a
 * second, smaller mean of that step.
 */
public final class StepPooling {
  private long origin = Long.MIN_VALUE;
  private double sum;
  private int count; // finite errors waiting
  private int seen; // samples of the current step so far, passed on or waiting
  private int expected; // samples the step before had

  /** Where the finished steps' means go. */
  public interface Sink {
    void accept(double stepMean, int samples);
  }

  /**
   * One sample's relative error at its origin; passes the means of steps that are complete to
   * {@code sink} (non-finite errors count as reported but are left out of the mean, as the
   * detectors ignore them).
   */
  public void offer(long originMs, double relativeError, Sink sink) {
    if (originMs > origin) {
      flush(sink);
      if (origin != Long.MIN_VALUE) {
        expected = seen;
      }
      origin = originMs;
      seen = 0;
    }
    seen++;
    if (Double.isFinite(relativeError)) {
      sum += relativeError;
      count++;
    }
    if (expected > 0 && seen >= expected) {
      flush(sink);
    }
  }

  private void flush(Sink sink) {
    if (count == 0) {
      return;
    }
    double mean = sum / count;
    int n = count;
    sum = 0;
    count = 0;
    sink.accept(mean, n);
  }

  public void write(DataOutput out) throws IOException {
    out.writeLong(origin);
    out.writeDouble(sum);
    out.writeInt(count);
    out.writeInt(seen);
    out.writeInt(expected);
  }

  public void read(DataInput in) throws IOException {
    origin = in.readLong();
    sum = in.readDouble();
    count = in.readInt();
    seen = in.readInt();
    expected = in.readInt();
  }
}
