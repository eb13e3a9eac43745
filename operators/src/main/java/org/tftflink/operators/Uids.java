package org.tftflink.operators;

/**
 * Operator uids and names, in one place. A uid identifies an operator's state in savepoints:
 * changing one breaks restore, so a change needs a migration note in savepoints-docs/. Names are
 * what SREs read in the Flink web UI.
 */
public final class Uids {

  public static final String METRICS_SOURCE = "metrics-source";
  public static final String METRICS_SOURCE_NAME = "Kafka: metrics";

  public static final String ROUTE_DEAD_LETTERS = "parse-validate";
  public static final String ROUTE_DEAD_LETTERS_NAME = "Parse + validate (bad -> dead letters)";

  public static final String MODELS_SOURCE = "models-source";
  public static final String MODELS_SOURCE_NAME = "Kafka: tft-models (broadcast)";

  public static final String HOST_FORECASTER = "host-history-forecast";
  public static final String HOST_FORECASTER_NAME =
      "Per-host step grid + forecast (TFT / baseline)";

  public static final String FORECASTS_SINK = "forecasts-sink";
  public static final String FORECASTS_SINK_NAME = "Kafka: forecasts (exactly-once)";

  public static final String DEAD_LETTER_SINK = "dead-letter-sink";
  public static final String DEAD_LETTER_SINK_NAME = "Kafka: metrics-dlq (exactly-once)";

  public static final String CONTROL_SOURCE = "control-source";
  public static final String CONTROL_SOURCE_NAME = "Kafka: tft-control (commands)";

  public static final String ONLINE_TRAINER = "online-trainer";
  public static final String ONLINE_TRAINER_NAME = "Online trainer (update, gate, versions)";

  /** Only with trainer.shards > 1: the shards; the aggregator keeps ONLINE_TRAINER's uid. */
  public static final String TRAINER_SHARDS = "trainer-shards";

  public static final String TRAINER_SHARDS_NAME = "Federated trainer shards (train per round)";

  /** Only with trainer.shards > 1: the control commands to every shard (update-now); no state. */
  public static final String SHARD_COMMANDS = "shard-commands";

  public static final String SHARD_COMMANDS_NAME = "Commands to the trainer shards (broadcast)";

  public static final String MODELS_SINK = "models-sink";
  public static final String MODELS_SINK_NAME = "Kafka: tft-models (exactly-once)";

  public static final String MODEL_EVENTS_SINK = "model-events-sink";
  public static final String MODEL_EVENTS_SINK_NAME = "Kafka: tft-model-events (exactly-once)";

  private Uids() {}
}
