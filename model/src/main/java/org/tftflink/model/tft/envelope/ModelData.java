package org.tftflink.model.tft.envelope;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;

/**
 * One published model version as a value: lineage (version, epoch, parent, restoredFrom),
 * event-time creation, training and validation figures, the configuration and the weights with
 * their SHA-256, and optionally the optimizer state that an online update continues from.
 *
 * @param parentVersion the version this one was trained from, or {@link #NONE}
 * @param restoredFrom the earlier version whose weights a rollback republished, or {@link #NONE}
 * @param createdAtMs event time of creation, epoch milliseconds
 * @param weights the blob of {@link WeightsCodec}
 * @param optimizer Adam's state after the training that produced these weights, or {@code null}
 *     when not kept (format-1 envelopes, copies published for serving only)
 */
public record ModelData(
    long modelVersion,
    long epoch,
    long parentVersion,
    long restoredFrom,
    long createdAtMs,
    Map<String, Double> trainingFigures,
    Map<String, Double> validationFigures,
    TftConfig config,
    byte[] weights,
    OptimizerState optimizer) {

  /** Marks an absent parent or restore source. */
  public static final long NONE = -1;

  public ModelData {
    trainingFigures = java.util.Collections.unmodifiableMap(new TreeMap<>(trainingFigures));
    validationFigures = java.util.Collections.unmodifiableMap(new TreeMap<>(validationFigures));
    weights = weights.clone();
  }

  /** A version without optimizer state. */
  public ModelData(
      long modelVersion,
      long epoch,
      long parentVersion,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> trainingFigures,
      Map<String, Double> validationFigures,
      TftConfig config,
      byte[] weights) {
    this(
        modelVersion,
        epoch,
        parentVersion,
        restoredFrom,
        createdAtMs,
        trainingFigures,
        validationFigures,
        config,
        weights,
        null);
  }

  /** The same version with the given optimizer state ({@code null}: none). */
  public ModelData withOptimizer(OptimizerState state) {
    return new ModelData(
        modelVersion,
        epoch,
        parentVersion,
        restoredFrom,
        createdAtMs,
        trainingFigures,
        validationFigures,
        config,
        weights,
        state);
  }

  /** Packs a model's current weights and scaler with the given lineage and figures. */
  public static ModelData of(
      TftModel model,
      long modelVersion,
      long epoch,
      long parentVersion,
      long restoredFrom,
      long createdAtMs,
      Map<String, Double> trainingFigures,
      Map<String, Double> validationFigures) {
    return new ModelData(
        modelVersion,
        epoch,
        parentVersion,
        restoredFrom,
        createdAtMs,
        trainingFigures,
        validationFigures,
        model.config(),
        WeightsCodec.encode(model));
  }

  /** Rebuilds the model from the config and restores its weights and scaler. */
  public TftModel toModel() {
    return WeightsCodec.decode(config, weights);
  }

  @Override
  public byte[] weights() {
    return weights.clone();
  }

  /** SHA-256 of the weights blob. */
  public byte[] weightsSha256() {
    return sha256(weights);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelData m
        && modelVersion == m.modelVersion
        && epoch == m.epoch
        && parentVersion == m.parentVersion
        && restoredFrom == m.restoredFrom
        && createdAtMs == m.createdAtMs
        && trainingFigures.equals(m.trainingFigures)
        && validationFigures.equals(m.validationFigures)
        && config.equals(m.config)
        && Arrays.equals(weights, m.weights)
        && java.util.Objects.equals(optimizer, m.optimizer);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(modelVersion) * 31 + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "ModelData[version="
        + modelVersion
        + ", epoch="
        + epoch
        + ", parent="
        + parentVersion
        + ", restoredFrom="
        + restoredFrom
        + ", createdAt="
        + createdAtMs
        + ", weights="
        + weights.length
        + " bytes, optimizer="
        + (optimizer == null ? "none" : optimizer)
        + "]";
  }
}
