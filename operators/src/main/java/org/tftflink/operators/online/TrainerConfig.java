package org.tftflink.operators.online;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.tft.envelope.ModelDataSerializer;

/**
 * What the online trainer operator needs: the learning core's configuration (as its validated
 * properties, since {@link OnlineConfig} is not serializable), whether updates run inline ({@code
 * sync}, for reproducible replays) or on the trainer's own thread, and the model learning starts
 * from (the envelope that serving starts with).
 *
 * @param online every key of {@link OnlineConfig#asProperties()}
 * @param sync true: {@code training.mode=sync}, updates run on the task thread
 * @param initialEnvelope the first model, {@code tft-models} envelope format
 */
public record TrainerConfig(Map<String, String> online, boolean sync, byte[] initialEnvelope)
    implements Serializable {

  public TrainerConfig {
    online = new TreeMap<>(online);
    OnlineConfig.fromProperties(online); // fails here, naming the key, rather than in the job
    ModelDataSerializer.deserialize(initialEnvelope); // an intact envelope, or a specific error
    initialEnvelope = initialEnvelope.clone();
  }

  public static TrainerConfig of(OnlineConfig config, boolean sync, byte[] initialEnvelope) {
    return new TrainerConfig(config.asProperties(), sync, initialEnvelope);
  }

  public OnlineConfig onlineConfig() {
    return OnlineConfig.fromProperties(online);
  }

  @Override
  public byte[] initialEnvelope() {
    return initialEnvelope.clone();
  }
}
