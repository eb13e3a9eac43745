package org.tftflink.job.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.online.config.Strategy;
import org.tftflink.model.tft.envelope.ModelSignature;
import org.tftflink.operators.online.TrainerConfig;

/**
 * The trainer's configuration from the job's options: the preset, then the file, then every {@code
 * online.<key>} set explicitly (a default does not override the preset), the training mode and the
 * first model.
 */
public final class OnlineSettings {

  private static final String PREFIX = "online.";

  private OnlineSettings() {}

  public static OnlineConfig onlineConfig(Settings s) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (Option<String> o : Options.ONLINE_KEYS) {
      if (s.isSet(o)) {
        overrides.put(o.name().substring(PREFIX.length()), s.get(o));
      }
    }
    String file = s.get(Options.ONLINE_FILE);
    return OnlineConfig.load(
        file.isBlank() ? null : Path.of(file), s.get(Options.ONLINE_PRESET), overrides);
  }

  /**
   * The trainer's configuration, or null when learning is off or there is no first model: {@code
   * initialModel} if given, else the file of {@code online.initial_model}.
   */
  public static TrainerConfig trainer(Settings s, byte[] initialModel) {
    OnlineConfig online = onlineConfig(s);
    if (!online.enabled()) {
      return null;
    }
    requireServingRoom(online, s.get(Options.SERVING_MAX_MODELS));
    byte[] model = initialModel;
    String file = s.get(Options.ONLINE_INITIAL_MODEL);
    if (model == null && !file.isBlank()) {
      try {
        model = Files.readAllBytes(Path.of(file));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "option online.initial_model: cannot read the model envelope " + file, e);
      }
    }
    if (model == null) {
      return null;
    }
    // a signed message (as published) is accepted too: the trainer learns from its envelope
    return TrainerConfig.of(
        online, s.get(Options.TRAINING_MODE).equals("sync"), ModelSignature.envelopeOf(model));
  }

  /**
   * Fails when serving would reject what the trainer publishes: an ensemble of {@code
   * ensemble_size} members, and during a canary the stable group beside the new one.
   */
  static void requireServingRoom(OnlineConfig online, int servingMaxModels) {
    int members = online.strategy() == Strategy.ENSEMBLE ? online.ensembleSize() : 1;
    int needed = online.canaryShare() > 0 ? 2 * members : members;
    if (needed > servingMaxModels) {
      throw new IllegalArgumentException(
          "the trainer publishes up to "
              + needed
              + " models in one message (online.strategy="
              + online.strategy().name().toLowerCase(java.util.Locale.ROOT)
              + ", online.ensemble_size="
              + online.ensembleSize()
              + ", online.canary_share="
              + online.canaryShare()
              + ") but serving.max_models is "
              + servingMaxModels
              + ": raise serving.max_models or lower online.ensemble_size");
    }
  }
}
