package org.tftflink.operators.online;

import java.util.HashMap;
import java.util.Map;
import org.tftflink.model.online.LearningEvent;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * Writes a served version as a {@code tft-models} envelope with its lineage: version, the trainer's
 * epoch, parent, {@code restoredFrom} for a rollback, event-time creation. The first model's
 * training figures (its step, among others, which serving checks against the job) are carried over;
 * the optimizer state stays in the trainer (serving does not need it).
 */
final class VersionEnvelopes {

  private final Map<String, Double> baseFigures;

  VersionEnvelopes(ModelData initial) {
    this.baseFigures = initial.trainingFigures();
  }

  byte[] write(
      TftWeights model,
      long version,
      long epoch,
      long parent,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> validation) {
    return ModelDataSerializer.serialize(
        data(model, version, epoch, parent, restoredFrom, createdAtMs, validation));
  }

  /** The version as a value, for a serving plan's members. */
  ModelData data(
      TftWeights model,
      long version,
      long epoch,
      long parent,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> validation) {
    return model.toModelData(
        version,
        epoch,
        parent,
        restoredFrom,
        createdAtMs,
        new HashMap<>(baseFigures),
        validation,
        false);
  }

  /** The version a rollback among {@code events} restored, or {@link ModelData#NONE}. */
  static long restoredFrom(Iterable<LearningEvent> events) {
    for (LearningEvent e : events) {
      if (e.type().equals(LearningEvent.ROLLED_BACK)
          && e.details().get("restored_from") instanceof Number n) {
        return n.longValue();
      }
    }
    return ModelData.NONE;
  }

  /** The hold-out losses of a gate decision among {@code events}, for the envelope. */
  static Map<String, Double> validation(Iterable<LearningEvent> events) {
    Map<String, Double> out = new HashMap<>();
    for (LearningEvent e : events) {
      if (e.type().equals(LearningEvent.GATE_PASSED)) {
        e.details()
            .forEach(
                (k, v) -> {
                  if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    out.put(k, n.doubleValue());
                  }
                });
      }
    }
    return out;
  }
}
