package org.tftflink.job.chaos;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ModelSignature;

/**
 * Hostile messages for {@code tft-models}, each claiming a newer version than the served model so
 * that only its defect can keep it out: signed with the right key unless the defect is the
 * signature itself.
 */
final class HostileModels {

  private HostileModels() {}

  /**
   * By kind: truncated, bit-flipped, oversized, wrong format version, misfit, unsigned, wrong key.
   */
  static Map<String, byte[]> of(ModelData served, byte[] key, byte[] otherKey) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    long v = served.modelVersion();
    byte[] newer = ModelPublisher.relabel(served, v + 1, served.epoch());
    out.put("truncated", ModelSignature.sign(Arrays.copyOf(newer, newer.length / 2), key));
    byte[] flipped = newer.clone();
    flipped[flipped.length * 3 / 4] ^= 0x10;
    out.put("bit-flipped", ModelSignature.sign(flipped, key));
    byte[] oversized = Arrays.copyOf(newer, newer.length + 8 * 1024 * 1024);
    out.put("oversized", ModelSignature.sign(oversized, key));
    byte[] format = newer.clone();
    ByteBuffer.wrap(format).putInt(4, ModelDataSerializer.FORMAT_VERSION + 1);
    out.put("wrong-format-version", ModelSignature.sign(format, key));
    ModelData misfit =
        new ModelData(
            v + 1,
            served.epoch(),
            served.parentVersion(),
            served.restoredFrom(),
            served.createdAtMs(),
            served.trainingFigures(),
            served.validationFigures(),
            served.config().toBuilder().horizon(served.config().horizon() + 1).build(),
            served.weights());
    out.put("misfit-config", ModelSignature.sign(ModelDataSerializer.serialize(misfit), key));
    out.put("unsigned", ModelPublisher.relabel(served, v + 2, served.epoch()));
    out.put(
        "wrong-key",
        ModelSignature.sign(ModelPublisher.relabel(served, v + 3, served.epoch()), otherKey));
    return out;
  }
}
