package org.tftflink.job.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tftflink.model.online.config.OnlineConfig;
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
}
