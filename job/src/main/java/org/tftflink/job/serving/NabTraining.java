package org.tftflink.job.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tftflink.job.replay.NabSeries;
import org.tftflink.model.grid.HostHistory;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.operators.serving.TftWindows;

/**
 * Training windows from the bundled NAB series, cut exactly as the job cuts them when serving: each
 * host's aligned rows (as the demo replays them) on the step grid, short gaps imputed and flagged
 * missing, a long gap starting a new history, windows by {@link TftWindows}. Only windows whose
 * horizon ends within the first {@code trainShare} of a host's steps are used.
 */
public final class NabTraining {

  private final TftConfig config;
  private final long stepMillis;
  private final int maxGapSteps;

  public NabTraining(TftConfig config, long stepMillis, int maxGapSteps) {
    this.config = config;
    this.stepMillis = stepMillis;
    this.maxGapSteps = maxGapSteps;
  }

  /** Windows of every host, in time order per host, from its first {@code trainShare} of steps. */
  public List<TrainingSample> samples(double trainShare) {
    return samples(0, trainShare);
  }

  /**
   * Windows of every host whose horizon lies within {@code [fromShare, toShare)} of the host's
   * steps (the encoder may reach back before {@code fromShare}).
   */
  public List<TrainingSample> samples(double fromShare, double toShare) {
    Map<String, List<NabSeries.Row>> byHost = new LinkedHashMap<>();
    for (NabSeries.Row r : NabSeries.alignedRows()) {
      byHost.computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r);
    }
    List<TrainingSample> out = new ArrayList<>();
    for (Map.Entry<String, List<NabSeries.Row>> e : byHost.entrySet()) {
      List<NabSeries.Row> rows = e.getValue();
      long first = rows.get(0).timestamp().toEpochMilli() / stepMillis;
      long last = rows.get(rows.size() - 1).timestamp().toEpochMilli() / stepMillis;
      long from = first + (long) ((last - first + 1) * fromShare);
      long to = first + (long) ((last - first + 1) * toShare);
      for (HostHistory h : histories(rows, (int) (last - first + 1))) {
        cut(e.getKey(), h, from, to, out);
      }
    }
    return out;
  }

  private void cut(
      String host, HostHistory h, long fromStep, long toStep, List<TrainingSample> out) {
    for (int end = config.encoderLength(); end + config.horizon() <= h.size; end++) {
      if (h.stepOfRow(end) < fromStep) {
        continue;
      }
      if (h.stepOfRow(end + config.horizon() - 1) >= toStep) {
        return;
      }
      double[] future = new double[config.horizon()];
      for (int t = 0; t < future.length; t++) {
        future[t] = h.isMissing(end + t, 0) ? Double.NaN : h.value(end + t, 0);
      }
      out.add(
          new TrainingSample(
              TftWindows.ending(config, host, h, end, stepMillis, List.of()), future));
    }
  }

  /** The host's rows on the grid as one history per stretch without a long gap. */
  private List<HostHistory> histories(List<NabSeries.Row> rows, int capacity) {
    List<HostHistory> out = new ArrayList<>();
    HostHistory h = null;
    for (NabSeries.Row r : rows) {
      long step = r.timestamp().toEpochMilli() / stepMillis;
      double value = Double.parseDouble(r.value());
      if (h != null && step <= h.lastStep) {
        continue; // a second row in a step: the first one stands for it here
      }
      if (h == null || step - h.lastStep - 1 > maxGapSteps) {
        h = new HostHistory(capacity, 1);
        out.add(h);
      }
      while (!h.isEmpty() && h.lastStep + 1 < step) {
        h.imputeNext();
      }
      h.appendObserved(step, new double[] {value});
    }
    return out;
  }
}
