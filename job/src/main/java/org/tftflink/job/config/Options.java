package org.tftflink.job.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import org.tftflink.model.grid.StepGridConfig.Aggregation;
import org.tftflink.model.grid.StepGridConfig.DuplicatePolicy;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.operators.online.TrainingExecutor;

/**
 * Every option of the job, with its default and meaning. {@code ./tft options} prints this table.
 */
public final class Options {

  private static final List<Option<?>> ALL = new ArrayList<>();

  // Kafka
  public static final Option<String> BOOTSTRAP =
      str(
          "kafka.bootstrap",
          "",
          "Kafka bootstrap servers; empty = start an embedded broker (demo only)");
  public static final Option<String> TOPIC_METRICS =
      str("topic.metrics", "metrics", "input topic of metric events");
  public static final Option<String> TOPIC_FORECASTS =
      str("topic.forecasts", "forecasts", "output topic of forecasts");
  public static final Option<String> TOPIC_DLQ =
      str("topic.dlq", "metrics-dlq", "dead-letter topic");
  public static final Option<String> TOPIC_MODELS =
      str(
          "topic.models",
          "tft-models",
          "topic of published TFT model versions (read from the start, read_committed)");
  public static final Option<String> GROUP_ID =
      str("kafka.group_id", "tft-flink", "consumer group of the source");

  /**
   * Options named {@code kafka.client.<setting>} go to every Kafka client of the job as {@code
   * <setting>} (security.protocol, sasl.*, ssl.*, ...), over the client properties file.
   */
  public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

  public static final Option<String> KAFKA_CLIENT_PROPERTIES_FILE =
      str(
          "kafka.client_properties_file",
          "",
          "Kafka client properties (SASL, TLS: security.protocol, sasl.mechanism,"
              + " sasl.jaas.config, ssl.truststore.location, ...) for every client of the job;"
              + " kafka.client.<setting>=value options override single entries. Keep secrets"
              + " in this file, not on the command line");

  // contract
  public static final Option<String> TARGET = str("target", "cpu", "the metric to forecast");
  public static final Option<List<String>> COVARIATES =
      opt(
          "covariates",
          List.of(),
          "other metrics kept as observed covariates, comma-separated",
          Options::list,
          v -> true,
          "a comma-separated list of metric names");
  public static final Option<Integer> MAX_MESSAGE_BYTES =
      integer(
          "parser.max_message_bytes",
          65_536,
          "larger messages are dead-lettered (oversize)",
          64,
          16 << 20);
  public static final Option<Integer> MAX_HOST_LENGTH =
      integer("parser.max_host_length", 253, "longer host names are dead-lettered", 1, 4096);
  public static final Option<Duration> FUTURE_SKEW =
      duration(
          "parser.future_skew",
          Duration.ofDays(1),
          "events further in the future are dead-lettered");

  // step grid
  public static final Option<Duration> STEP =
      duration("grid.step", Duration.ofMinutes(5), "the step grid");
  public static final Option<Aggregation> AGGREGATION =
      enumOption(
          "grid.aggregation",
          Aggregation.MEAN,
          "how events within one step are combined",
          Aggregation.class);
  public static final Option<DuplicatePolicy> DUPLICATES =
      enumOption(
          "grid.duplicates",
          DuplicatePolicy.KEEP_LAST,
          "which of two events with the same host and timestamp wins",
          DuplicatePolicy.class);
  public static final Option<Duration> ALLOWED_LATENESS =
      duration(
          "grid.allowed_lateness",
          Duration.ZERO,
          "how long after its end a step still accepts events");
  public static final Option<Integer> MAX_GAP_STEPS =
      integer(
          "grid.max_gap_steps",
          12,
          "missing steps imputed before a host's state is dropped",
          0,
          100_000);
  public static final Option<Duration> OUT_OF_ORDERNESS =
      duration(
          "watermark.out_of_orderness",
          Duration.ofMinutes(1),
          "event-time disorder tolerated per partition");
  public static final Option<Duration> IDLENESS =
      duration(
          "watermark.idleness",
          Duration.ofSeconds(30),
          "a partition silent this long stops holding watermarks");

  // forecasting
  public static final Option<Integer> HORIZON =
      integer("forecast.horizon", 12, "steps forecast ahead", 1, 10_000);
  public static final Option<double[]> QUANTILES =
      opt(
          "forecast.quantiles",
          new double[] {0.1, 0.5, 0.9},
          "quantile levels, ascending, with 0.5",
          Options::doubles,
          v -> v.length > 0,
          "comma-separated levels in (0, 1)");
  public static final Option<Integer> MIN_HISTORY =
      integer(
          "forecast.min_history_steps",
          12,
          "steps of history before a host's first forecast",
          1,
          100_000);
  public static final Option<Integer> ENCODER_LENGTH =
      integer(
          "model.encoder_length",
          288,
          "history steps the model reads (the ring holds at least this)",
          2,
          100_000);
  public static final Option<Duration> SEASON =
      duration("baseline.season", Duration.ofDays(1), "season of the seasonal-naive baseline");
  public static final Option<Integer> RESIDUAL_WINDOW =
      integer(
          "baseline.residual_window",
          144,
          "recent residuals that give the baseline's quantiles",
          2,
          100_000);

  // serving the TFT
  public static final Option<Integer> SERVING_BATCH_SIZE =
      integer(
          "serving.batch_size",
          256,
          "TFT requests predicted in one model call per subtask; 1 = no batching",
          1,
          100_000);
  public static final Option<Duration> SERVING_FLUSH_INTERVAL =
      opt(
          "serving.flush_interval",
          Duration.ofMillis(200),
          "processing time after which a partly filled TFT batch is predicted anyway",
          Options::duration,
          d -> !d.isNegative() && !d.isZero(),
          "a positive duration such as 200ms or 1s");
  public static final Option<List<String>> SERVING_TAG_NAMES =
      opt(
          "serving.tag_names",
          List.of(),
          "event tags fed to the TFT as static categoricals after the host, in order",
          Options::list,
          v -> true,
          "a comma-separated list of tag names");

  public static final Option<Integer> SERVING_MAX_MODELS =
      integer(
          "serving.max_models",
          org.tftflink.operators.serving.ServingConfig.DEFAULT_MAX_MODELS,
          "models one model message may make each inference subtask hold (ensemble members, plus"
              + " a canary's); a message with more is rejected. Must cover online.ensemble_size"
              + " (twice it with online.canary_share > 0)",
          1,
          40);

  // runtime
  public static final Option<Integer> PARALLELISM =
      integer("job.parallelism", 1, "parallelism of the job", 1, 4096);
  public static final Option<Duration> CHECKPOINT_INTERVAL =
      duration(
          "checkpoint.interval",
          Duration.ofSeconds(10),
          "checkpoint interval; exactly-once output becomes visible at each checkpoint");
  public static final Option<String> STATE_DIR =
      str("state.dir", ".tft/state", "where the embedded run keeps checkpoints and savepoints");

  // dead letters: every one fits its topic (payload cut past this size, see DeadLetter.boundedTo)
  public static final Option<Integer> DLQ_MAX_PAYLOAD_BYTES =
      integer(
          "dlq.max_payload_bytes",
          org.tftflink.operators.ingest.DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES,
          "dead letters keep at most this many bytes of the message (plus its size and SHA-256);"
              + " at most 1 MiB - 64 KiB, so that a record fits a topic with Kafka's default"
              + " limits",
          1024,
          1024 * 1024
              - org.tftflink.operators.sink.DeadLetterRecordSerializer.RECORD_OVERHEAD_BYTES);

  // signed models
  public static final Option<Boolean> SERVING_REQUIRE_SIGNATURE =
      opt(
          "serving.require_signature",
          false,
          "accept only model messages signed (HMAC-SHA256) with the signing key; set true in"
              + " production, so that write access to the model topic alone cannot inject a model",
          Options::bool,
          v -> true,
          "true or false");
  public static final Option<String> SERVING_SIGNING_KEY_FILE =
      str(
          "serving.signing_key_file",
          "",
          "file holding the model signing key (at least 32 bytes); empty = the environment"
              + " variable TFT_MODEL_SIGNING_KEY, if set. Never on the command line");

  // demo
  public static final Option<Integer> DEMO_MAX_RESTARTS =
      integer(
          "demo.max_restarts",
          3,
          "./tft demo: job restarts after which the demo stops and exits non-zero with the cause",
          0,
          1000);

  // online learning (DESIGN section 3): the learning core's keys as online.<key>, a preset, a file
  public static final Option<String> TOPIC_CONTROL =
      str("topic.control", "tft-control", "topic of trainer commands (rollback 3, pause, ...)");
  public static final Option<String> TOPIC_MODEL_EVENTS =
      str("topic.model_events", "tft-model-events", "audit topic: one JSON line per decision");
  public static final Option<String> ONLINE_PRESET =
      opt(
          "online.preset",
          "conservative",
          "preset the online.* keys start from",
          s -> s,
          v -> v.equals("conservative") || v.equals("aggressive"),
          "conservative or aggressive");
  public static final Option<String> ONLINE_FILE =
      str(
          "online.config_file",
          "",
          "online-learning keys in a properties or YAML file (snake_case, no online. prefix)");
  public static final Option<String> ONLINE_INITIAL_MODEL =
      str(
          "online.initial_model",
          "",
          "envelope file the trainer starts from (the model serving starts with); empty ="
              + " no trainer (the demo passes its model)");
  public static final Option<String> TRAINING_MODE =
      opt(
          "training.mode",
          "async",
          "async: updates on the trainer's own thread; sync: inline (reproducible replays)",
          s -> s,
          v -> v.equals("sync") || v.equals("async"),
          "sync or async");

  public static final Option<Integer> TRAINING_NICE =
      integer(
          "training.nice",
          TrainingExecutor.DEFAULT_NICE,
          "niceness of the training threads (0-19; 0 = as the task threads): with cores shared,"
              + " forecasts get the CPU first and updates take what is left",
          0,
          19);

  public static final Option<Integer> TRAINER_SHARDS =
      integer(
          "trainer.shards",
          1,
          "federated trainer shards: each trains on its hosts' samples per round, an aggregator"
              + " averages them (weighted by samples) into the next gated version; 1 = one"
              + " trainer (docs/online-learning.md)",
          1,
          64);

  // where the trainer runs (k8s/README.md "Placement"): 0 GPUs = in the inference slots
  public static final Option<Integer> TRAINER_GPUS =
      integer(
          "trainer.gpus",
          0,
          "GPUs the trainer's slot requires (Flink external resource gpu, only the GPU pool"
              + " offers it); 0: the trainer shares the inference slots on CPU",
          0,
          16);
  public static final Option<Integer> TRAINER_SLOT_CPU_CORES =
      integer(
          "trainer.slot_cpu_cores",
          2,
          "CPU cores of the trainer's slot (with trainer.gpus)",
          1,
          64);
  public static final Option<Integer> TRAINER_SLOT_HEAP_MB =
      integer(
          "trainer.slot_heap_mb",
          2048,
          "task heap of the trainer's slot (with trainer.gpus)",
          256,
          65_536);
  public static final Option<Integer> TRAINER_SLOT_OFF_HEAP_MB =
      integer(
          "trainer.slot_off_heap_mb",
          4096,
          "task off-heap memory of the trainer's slot, ND4J's native arrays (with trainer.gpus)",
          256,
          262_144);
  public static final Option<Integer> TRAINER_SLOT_MANAGED_MB =
      integer(
          "trainer.slot_managed_mb",
          512,
          "managed memory (RocksDB) of the trainer's slot (with trainer.gpus)",
          64,
          65_536);

  /** Every key of the learning core, as {@code online.<key>}, in its order. */
  public static final List<Option<String>> ONLINE_KEYS = onlineKeys();

  private Options() {}

  private static List<Option<String>> onlineKeys() {
    List<Option<String>> out = new ArrayList<>();
    for (OnlineConfig.Key k : OnlineConfig.keys()) {
      out.add(
          opt(
              "online." + k.name(),
              k.defaultValue(),
              k.description(),
              raw -> {
                k.parse(raw); // the learning core's validator names the key and the range
                return raw;
              },
              v -> true,
              "see the description"));
    }
    return List.copyOf(out);
  }

  public static List<Option<?>> all() {
    return List.copyOf(ALL);
  }

  public static Option<?> byName(String name) {
    return ALL.stream()
        .filter(o -> o.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("unknown option '" + name + "'; see ./tft options"));
  }

  private static <T> Option<T> opt(
      String name,
      T def,
      String description,
      Function<String, T> parser,
      Predicate<T> validator,
      String requirement) {
    Option<T> o = new Option<>(name, def, description, parser, validator, requirement);
    ALL.add(o);
    return o;
  }

  private static Option<String> str(String name, String def, String description) {
    return opt(name, def, description, s -> s, s -> true, "any string");
  }

  private static Option<Integer> integer(
      String name, int def, String description, int min, int max) {
    return opt(
        name,
        def,
        description,
        Integer::parseInt,
        v -> v >= min && v <= max,
        "an integer in [" + min + ", " + max + "]");
  }

  private static Option<Duration> duration(String name, Duration def, String description) {
    return opt(
        name,
        def,
        description,
        Options::duration,
        d -> !d.isNegative(),
        "a duration such as 5m, 30s, 1h, 1d or ISO-8601 PT5M, not negative");
  }

  private static <E extends Enum<E>> Option<E> enumOption(
      String name, E def, String description, Class<E> type) {
    return opt(
        name,
        def,
        description,
        s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT)),
        v -> true,
        "one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  static Duration duration(String s) {
    if (s.startsWith("P") || s.startsWith("p")) {
      return Duration.parse(s);
    }
    String unit = s.replaceAll("^[0-9]+", "");
    long n = Long.parseLong(s.substring(0, s.length() - unit.length()));
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m", "min" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("unknown unit '" + unit + "'");
    };
  }

  static Boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }

  static List<String> list(String s) {
    return s.isBlank()
        ? List.of()
        : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  static double[] doubles(String s) {
    return Arrays.stream(s.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
  }
}
