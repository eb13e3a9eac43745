package org.tftflink.model.online.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.eval.OfflineSplit;

/**
 * The training windows of the frozen model: every origin whose horizon ends inside the training
 * rows of each series. For NAB-style series the last fifth of them stop training early; for ETT the
 * validation rows do (every third window, as in {@code ./tft train}), before the learners see them.
 */
public final class FrozenTraining {
  private FrozenTraining() {}

  /** One split per series with its training and early-stopping windows (no test windows). */
  public static List<OfflineSplit> splits(List<EvalSeries> series, TftConfig config, boolean ett) {
    List<OfflineSplit> out = new ArrayList<>();
    int tEnc = config.encoderLength();
    int tDec = config.horizon();
    for (EvalSeries s : series) {
      List<TrainingSample> all = new ArrayList<>();
      for (int o = tEnc; o <= s.trainEnd() - tDec; o++) {
        all.add(s.sample(o, config));
      }
      List<TrainingSample> train;
      List<TrainingSample> validation;
      if (ett) {
        train = all;
        validation =
            IntStream.iterate(s.trainEnd(), o -> o <= s.scoreFrom() - tDec, o -> o + 3)
                .mapToObj(o -> s.sample(o, config))
                .toList();
      } else {
        int cut = (int) (all.size() * 0.8);
        train = all.subList(0, cut);
        validation = all.subList(cut, all.size());
      }
      if (train.isEmpty() || validation.isEmpty()) {
        throw new IllegalArgumentException(
            s.name()
                + ": its "
                + s.trainEnd()
                + " training rows are too few for encoder "
                + tEnc
                + " and horizon "
                + tDec
                + "; raise --train-share or lower --encoder");
      }
      out.add(
          new OfflineSplit(
              s.name(),
              train,
              validation,
              List.of(),
              s.scoreFrom(),
              new double[0],
              s.toOriginalMean(),
              s.toOriginalScale(),
              s.metricScale(),
              s.seasonPeriod()));
    }
    return out;
  }
}
