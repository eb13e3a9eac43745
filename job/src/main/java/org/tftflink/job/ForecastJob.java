package org.tftflink.job;

import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.tftflink.job.config.PipelineConfig;
import org.tftflink.model.baseline.SeasonalNaiveForecaster;
import org.tftflink.model.forecast.Forecast;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.operators.Uids;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.ingest.DeadLetter;
import org.tftflink.operators.ingest.IngestRecord;
import org.tftflink.operators.ingest.MetricPoint;
import org.tftflink.operators.ingest.MetricWatermarks;
import org.tftflink.operators.ingest.RouteDeadLetters;
import org.tftflink.operators.online.FederatedTrainer;
import org.tftflink.operators.online.OnlineTrainer;
import org.tftflink.operators.online.ShardTrainer;
import org.tftflink.operators.online.TrainerConfig;
import org.tftflink.operators.online.TrainerShards;
import org.tftflink.operators.online.TrainingExecutor;
import org.tftflink.operators.serving.BatchingBroadcastOperator;

/**
 * The forecasting job, as in DESIGN.md section 1: metrics -> parse + validate (bad -> dead letters)
 * -> keyBy(host) on event time -> per-host step grid and forecast, with the served TFT broadcast
 * from the model topic -> forecasts; with learning, matured samples -> keyBy(trainer shard) -> the
 * online trainer (with the control commands) -> versions to the model topic, decisions to the audit
 * topic. Sources and sinks are injected, so tests and benchmarks run the same graph as production
 * ({@link KafkaPipeline} builds the Kafka ones).
 */
public final class ForecastJob {

  private final PipelineConfig config;
  private final Source<IngestRecord, ?, ?> metrics;
  private final Source<byte[], ?, ?> models;
  private final Sink<Forecast> forecasts;
  private final Sink<DeadLetter> deadLetters;
  private Learning learning;
  private SlotSharingGroup trainerPlacement;
  private UnaryOperator<DataStream<MetricPoint>> validHook = UnaryOperator.identity();

  /**
   * The online trainer's part of the graph: its configuration, the control commands, and where
   * versions and audit lines go.
   *
   * @param versions promoted versions, to the model topic the broadcast above reads
   */
  public record Learning(
      TrainerConfig trainer,
      Source<String, ?, ?> commands,
      Sink<byte[]> versions,
      Sink<String> events,
      TrainingExecutor executor,
      int shards) {

    public Learning {
      if (shards < 1) {
        throw new IllegalArgumentException("trainer.shards must be >= 1, got " + shards);
      }
    }

    public Learning(
        TrainerConfig trainer,
        Source<String, ?, ?> commands,
        Sink<byte[]> versions,
        Sink<String> events) {
      this(trainer, commands, versions, events, TrainingExecutor.singleThread(), 1);
    }

    /**
     * The same with updates on threads from {@code executor}: tests hold an update there to fail
     * the job in the middle of it; production keeps the default single thread.
     */
    public Learning withExecutor(TrainingExecutor executor) {
      return new Learning(trainer, commands, versions, events, executor, shards);
    }

    /** The same with {@code shards} federated trainer shards (1: one plain trainer). */
    public Learning withShards(int shards) {
      return new Learning(trainer, commands, versions, events, executor, shards);
    }
  }

  /**
   * @param models model envelopes (ModelDataSerializer format), in publication order
   */
  public ForecastJob(
      PipelineConfig config,
      Source<IngestRecord, ?, ?> metrics,
      Source<byte[], ?, ?> models,
      Sink<Forecast> forecasts,
      Sink<DeadLetter> deadLetters) {
    this.config = config;
    this.metrics = metrics;
    this.models = models;
    this.forecasts = forecasts;
    this.deadLetters = deadLetters;
  }

  /** This job with the online trainer (null: serving only). */
  public ForecastJob withLearning(Learning learning) {
    this.learning = learning;
    return this;
  }

  /** The online trainer's part, or null when the job only serves. */
  public Learning learning() {
    return learning;
  }

  /**
   * Puts the online trainer (and the sinks of its versions and audit) in {@code group}, e.g. the
   * GPU-requiring group of {@link org.tftflink.operators.Placement}; without it the trainer shares
   * the inference slots.
   */
  public ForecastJob withTrainerPlacement(SlotSharingGroup group) {
    this.trainerPlacement = group;
    return this;
  }

  /**
   * Routes the valid events through {@code hook} before keyBy(host): the chaos suite's
   * failure-injecting operator; production never sets it.
   */
  public ForecastJob withValidEventsThrough(UnaryOperator<DataStream<MetricPoint>> hook) {
    this.validHook = hook;
    return this;
  }

  /** Adds the job's graph to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    // ingest: parse in the source so that watermarks follow each partition's valid event times
    DataStream<IngestRecord> ingested =
        env.fromSource(
                metrics,
                MetricWatermarks.strategy(config.outOfOrderness(), config.idleness()),
                Uids.METRICS_SOURCE_NAME)
            .uid(Uids.METRICS_SOURCE);

    SingleOutputStreamOperator<MetricPoint> valid =
        ingested
            .process(new RouteDeadLetters())
            .uid(Uids.ROUTE_DEAD_LETTERS)
            .name(Uids.ROUTE_DEAD_LETTERS_NAME);

    // model versions, to every inference subtask (they carry no event time: see
    // BatchingBroadcastOperator)
    DataStream<byte[]> served =
        env.fromSource(models, WatermarkStrategy.noWatermarks(), Uids.MODELS_SOURCE_NAME)
            .uid(Uids.MODELS_SOURCE)
            .setParallelism(1)
            .broadcast();

    // per host: step grid, history ring in keyed state, one forecast per step (TFT batched per
    // subtask).
    // Connected as keyed + broadcast by hand: Flink's keyed-broadcast API cannot take our operator,
    // which flushes the inference batch before each checkpoint barrier.
    HostForecaster forecaster =
        new HostForecaster(
            config.grid(),
            new SeasonalNaiveForecaster(config.baseline()),
            config.minHistorySteps(),
            config.serving());
    SingleOutputStreamOperator<Forecast> forecast =
        validHook
            .apply(valid)
            .keyBy(p -> p.host)
            .connect(served)
            .transform(
                Uids.HOST_FORECASTER_NAME,
                TypeInformation.of(Forecast.class),
                new BatchingBroadcastOperator(
                    forecaster, config.serving().flushInterval().toMillis()))
            .uid(Uids.HOST_FORECASTER);

    forecast.sinkTo(forecasts).uid(Uids.FORECASTS_SINK).name(Uids.FORECASTS_SINK_NAME);

    // dead letters: malformed input and late events, with their original bytes
    valid
        .getSideOutput(RouteDeadLetters.DEAD_LETTERS)
        .union(forecast.getSideOutput(HostForecaster.LATE))
        .sinkTo(deadLetters)
        .uid(Uids.DEAD_LETTER_SINK)
        .name(Uids.DEAD_LETTER_SINK_NAME);

    if (learning != null) {
      buildTrainer(env, forecast.getSideOutput(HostForecaster.SAMPLES), served);
    }
  }

  /**
   * Matured samples, keyed by trainer shard, and the control commands into the trainer; its
   * versions go back to the model topic (and from there to inference), its decisions to the audit
   * topic.
   */
  private void buildTrainer(
      StreamExecutionEnvironment env,
      DataStream<MaturedSample> samples,
      DataStream<byte[]> served) {
    DataStream<String> commands =
        env.fromSource(
                learning.commands(), WatermarkStrategy.noWatermarks(), Uids.CONTROL_SOURCE_NAME)
            .uid(Uids.CONTROL_SOURCE)
            .setParallelism(1);
    SingleOutputStreamOperator<byte[]> versions =
        learning.shards() == 1
            ? samples
                .keyBy(TrainerShards.samples(1))
                .connect(commands.keyBy(TrainerShards.commands()))
                .transform(
                    Uids.ONLINE_TRAINER_NAME,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
                    new OnlineTrainer(learning.trainer(), learning.executor()))
                .uid(Uids.ONLINE_TRAINER)
            : federated(samples, commands, served);
    if (trainerPlacement != null) {
      versions.slotSharingGroup(trainerPlacement); // its sinks follow it into the group
    }
    versions.sinkTo(learning.versions()).uid(Uids.MODELS_SINK).name(Uids.MODELS_SINK_NAME);
    versions
        .getSideOutput(OnlineTrainer.EVENTS)
        .sinkTo(learning.events())
        .uid(Uids.MODEL_EVENTS_SINK)
        .name(Uids.MODEL_EVENTS_SINK_NAME);
  }

  /**
   * With trainer.shards > 1: samples keyed by shard into the shards, which learn the global version
   * from the model messages inference reads (and see the commands, for update-now) and send their
   * round updates (and every sample) to the aggregator; it keeps the online trainer's uid and state
   * and publishes the gated average.
   */
  private SingleOutputStreamOperator<byte[]> federated(
      DataStream<MaturedSample> samples, DataStream<String> commands, DataStream<byte[]> served) {
    DataStream<byte[]> toShards =
        commands
            .map(ShardTrainer::commandMessage)
            .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
            .uid(Uids.SHARD_COMMANDS)
            .name(Uids.SHARD_COMMANDS_NAME)
            .setParallelism(1)
            .broadcast();
    SingleOutputStreamOperator<byte[]> shards =
        samples
            .keyBy(TrainerShards.samples(learning.shards()))
            .connect(served.union(toShards))
            .transform(
                Uids.TRAINER_SHARDS_NAME,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
                new ShardTrainer(learning.trainer(), learning.executor()))
            .uid(Uids.TRAINER_SHARDS);
    if (trainerPlacement != null) {
      shards.slotSharingGroup(trainerPlacement);
    }
    return shards
        .keyBy(TrainerShards.aggregator())
        .connect(commands.keyBy(TrainerShards.commands()))
        .transform(
            Uids.ONLINE_TRAINER_NAME,
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
            new FederatedTrainer(learning.trainer(), learning.shards()))
        .uid(Uids.ONLINE_TRAINER);
  }
}
