package org.tftflink.operators.forecast;

import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.operators.serving.TftWindows;

/**
 * Keeps a host's served TFT forecasts until their horizon has matured and then turns the oldest
 * into a training sample: the window the model saw (cut again from the history ring), the horizon's
 * actuals, the served quantiles and version. At most one horizon of forecasts waits per host (one
 * per step, each leaving once its last step closes); the state is cleared whenever the history
 * restarts or expires.
 */
final class SampleMaturer {

  /** Keyed by host: origin step (the host's newest step when issued) to the served forecast. */
  static final String PENDING_STATE = "pending-forecasts";

  private final int horizon;
  private final long stepMillis;
  private final List<String> tagNames;
  private final MapState<Long, PendingForecast> pending;
  private final Counter matured;
  private final Counter unmatched;

  SampleMaturer(RuntimeContext context, int horizon, long stepMillis, List<String> tagNames) {
    this.horizon = horizon;
    this.stepMillis = stepMillis;
    this.tagNames = tagNames;
    this.pending =
        context.getMapState(
            new MapStateDescriptor<>(
                PENDING_STATE, Types.LONG, TypeInformation.of(PendingForecast.class)));
    var metrics = context.getMetricGroup();
    this.matured = metrics.counter("samplesMatured");
    this.unmatched = metrics.counter("samplesUnmatched");
  }

  int horizon() {
    return horizon;
  }

  /** Reads the host's history ring only when it is needed. */
  interface HistoryRead {
    HostHistory get() throws Exception;
  }

  /**
   * Records a served TFT forecast until its horizon closes; the current key must be its host. A
   * forecast leaves the inference batch at the next flush, and the host's steps may have moved on
   * meanwhile (one watermark can close many steps): if its horizon has closed already, its sample
   * is cut from the history now (the ring holds encoder + horizon rows and more) and returned; if
   * the host has expired ({@code newestStep} null) it is only counted.
   *
   * @param newestStep the host's newest closed step now, or null if it has no history
   * @param config the served TFT's configuration
   */
  Optional<MaturedSample> record(Forecast f, Long newestStep, HistoryRead history, TftConfig config)
      throws Exception {
    long originStep = f.issuedAtMillis() / stepMillis - 1;
    PendingForecast p = new PendingForecast(f.model().version(), f.model().epoch(), f.values());
    if (newestStep == null) {
      unmatched.inc();
      return Optional.empty();
    }
    if (newestStep - originStep < horizon) {
      pending.put(originStep, p);
      return Optional.empty();
    }
    return sample(f.host(), history.get(), config, originStep, p);
  }

  /**
   * Called after the host's newest step closed: the sample of the forecast whose last horizon step
   * this was, if one waits and the history still holds its encoder and horizon.
   *
   * @param config the served TFT's configuration (null while the baseline serves)
   */
  Optional<MaturedSample> mature(String host, HostHistory h, TftConfig config) throws Exception {
    long origin = h.lastStep - horizon;
    PendingForecast p = pending.get(origin);
    if (p == null) {
      return Optional.empty();
    }
    pending.remove(origin);
    return sample(host, h, config, origin, p);
  }

  private Optional<MaturedSample> sample(
      String host, HostHistory h, TftConfig config, long origin, PendingForecast p) {
    // rows [0, end) were known when the forecast was issued; [end, end + horizon) are its actuals
    long sinceOrigin = h == null ? -1 : h.lastStep - origin;
    int end = h == null ? -1 : (int) (h.size - sinceOrigin);
    if (h == null
        || config == null
        || config.horizon() != horizon
        || sinceOrigin < horizon
        || end < config.encoderLength()
        || h.stepOfRow(end - 1) != origin) {
      unmatched.inc(); // the model's shape changed, or the ring cannot show its window
      return Optional.empty();
    }
    TftWindow window = TftWindows.ending(config, host, h, end, stepMillis, tagNames);
    double[] actuals = new double[horizon];
    for (int i = 0; i < horizon; i++) {
      actuals[i] = h.isMissing(end + i, 0) ? Double.NaN : h.value(end + i, 0);
    }
    matured.inc();
    return Optional.of(
        new MaturedSample(
            host,
            (origin + 1) * stepMillis,
            new TrainingSample(window, actuals),
            p.forecast(),
            p.version));
  }

  /** Drops the host's waiting forecasts (history restarted or expired). */
  void clear() {
    pending.clear();
  }
}
