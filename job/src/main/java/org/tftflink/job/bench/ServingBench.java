package org.tftflink.job.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.tftflink.job.KafkaPipeline;
import org.tftflink.job.LocalFlink;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.EmbeddedKafka;
import org.tftflink.job.kafka.Topics;
import org.tftflink.job.replay.ReplayMessage;
import org.tftflink.job.replay.Replayer;
import org.tftflink.job.serving.ModelPublisher;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.operators.forecast.HostForecaster;
import org.tftflink.operators.serving.ModelFit;
import org.tftflink.operators.serving.ServingMetrics;

/**
 * {@code ./tft bench serving}: the TFT of {@code ./tft bench model}, {@link TftConfig#pfParity()}
 * (hidden 32, encoder 168, horizon 24; the target cpu and six covariates, so 10 encoder variables),
 * served by the job between two Kafka topics, for {@code hosts} hosts, with batching on and off.
 * (1) Throughput: a pre-loaded bounded input whose last {@code tftSteps} steps per host are
 * forecast by the TFT; TFT forecasts per second of model time and per second of job time. (2)
 * Latency: the job runs live; after the warm-up history, one step of all hosts is sent at a time
 * and each TFT forecast's latency is taken from the send of the step that closes its step to its
 * arrival on the forecast topic (read_uncommitted: without the exactly-once commit, which adds up
 * to a checkpoint interval).
 */
public final class ServingBench {

  /** Throughput of one run. */
  public record Throughput(
      int batchSize, long events, long tftForecasts, double jobSeconds, double modelSeconds) {}

  /** Event-to-forecast latency of one run, in milliseconds. */
  public record Latency(int batchSize, int forecasts, double p50, double p99) {}

  private final int hosts;
  private final int parallelism;
  private final int latencyWaves;
  // the model JMH times (TftBenchmark), so that the stream's share of the model's throughput is
  // the ratio of the two benchmarks' figures
  private final TftConfig model = TftConfig.pfParity();
  final List<String> covariates = covariates(model.observedReals() - 1);

  public ServingBench(int hosts, int parallelism, int latencyWaves) {
    this.hosts = hosts;
    this.parallelism = parallelism;
    this.latencyWaves = latencyWaves;
  }

  private int warmupSteps() {
    return model.encoderLength();
  }

  public Throughput throughput(int batchSize, int tftSteps) throws Exception {
    Path state = Files.createTempDirectory("tft-bench-serving");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      createTopics(bootstrap);
      ModelPublisher.publish(bootstrap, "sb-models", envelope());
      List<ReplayMessage> input =
          BenchWorkload.events(hosts, warmupSteps() + tftSteps + 1, covariates);
      long loaded = new Replayer(bootstrap, "sb-metrics", 0, null).replay(input.iterator());
      StreamExecutionEnvironment env = environment(state);
      KafkaPipeline.create(settings(batchSize), bootstrap, true).build(env);
      JobExecutionResult r = env.execute("bench serving throughput");
      Throughput t =
          new Throughput(
              batchSize,
              loaded,
              r.<Long>getAccumulatorResult(ServingMetrics.TFT_FORECASTS),
              r.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3,
              r.<Long>getAccumulatorResult(ServingMetrics.INFERENCE_MILLIS) / 1e3);
      System.out.printf(
          "batch %4d: %,d events, %,d TFT forecasts, job %.1f s, model %.1f s: %,.0f TFT forecasts/s"
              + " of model time (summed over %d subtasks)%n",
          batchSize,
          t.events(),
          t.tftForecasts(),
          t.jobSeconds(),
          t.modelSeconds(),
          t.tftForecasts() / t.modelSeconds(),
          parallelism);
      return t;
    }
  }

  public Latency latency(int batchSize) throws Exception {
    Path state = Files.createTempDirectory("tft-bench-serving");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      createTopics(bootstrap);
      ModelPublisher.publish(bootstrap, "sb-models", envelope());
      List<ReplayMessage> all =
          BenchWorkload.events(hosts, warmupSteps() + latencyWaves + 1, covariates);
      Replayer replayer = new Replayer(bootstrap, "sb-metrics", 0, null);
      replayer.replay(all.subList(0, warmupSteps() * hosts).iterator());
      StreamExecutionEnvironment env = environment(state);
      KafkaPipeline.create(settings(batchSize), bootstrap, false).build(env);
      JobClient job = env.executeAsync("bench serving latency");
      Queue<long[]> arrivals = new ConcurrentLinkedQueue<>();
      Thread reader = new Thread(() -> read(bootstrap, arrivals), "bench-forecast-reader");
      reader.setDaemon(true);
      reader.start();
      awaitAccepted(job, (long) warmupSteps() * hosts);
      long[] sentAt = new long[latencyWaves + 1];
      for (int w = 0; w <= latencyWaves; w++) {
        int step = warmupSteps() + w;
        sentAt[w] = System.nanoTime();
        replayer.replay(all.subList(step * hosts, (step + 1) * hosts).iterator());
        Thread.sleep(Duration.ofSeconds(3).toMillis());
      }
      // every TFT forecast of waves 1.. (wave 0 closes the last step shorter than the encoder)
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      // count only the waves' forecasts: the warm-up steps' own forecasts also arrive here, and
      // once
      // the model got fast they alone reached the count before the first wave was sent
      while (timedArrivals(arrivals) < (long) hosts * latencyWaves
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      job.cancel().get(1, TimeUnit.MINUTES);
      reader.interrupt();
      // the watermark trails the newest event by the out-of-orderness (1 min < one step), so step s
      // closes when the events of step s+2 arrive: a forecast issued at the start of step s+1 waits
      // for the wave of step s+2
      List<Double> millis = new ArrayList<>();
      for (long[] a : arrivals) {
        int wave = waveOf(a);
        if (wave >= 0 && wave <= latencyWaves) {
          millis.add((a[1] - sentAt[wave]) / 1e6);
        }
      }
      double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      Latency l =
          new Latency(batchSize, sorted.length, percentile(sorted, 0.5), percentile(sorted, 0.99));
      System.out.printf(
          "batch %4d: %,d TFT forecasts timed, event-to-forecast p50 %.0f ms, p99 %.0f ms%n",
          batchSize, l.forecasts(), l.p50(), l.p99());
      return l;
    }
  }

  private static long issuedAt(String json) {
    String key = "\"issuedAt\":\"";
    int from = json.indexOf(key) + key.length();
    return java.time.Instant.parse(json.substring(from, json.indexOf('"', from))).toEpochMilli();
  }

  /** The latency wave whose events closed the step of this forecast (negative: warm-up). */
  private int waveOf(long[] arrival) {
    return (int) ((arrival[0] - BenchWorkload.START) / BenchWorkload.STEP_MILLIS)
        + 1
        - warmupSteps();
  }

  private long timedArrivals(Queue<long[]> arrivals) {
    return arrivals.stream()
        .mapToInt(this::waveOf)
        .filter(w -> w >= 1 && w <= latencyWaves)
        .count();
  }

  /** Issue time and arrival time (nanoTime) of each TFT forecast. */
  private void read(String bootstrap, Queue<long[]> arrivals) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of("sb-forecasts"));
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          String json = new String(r.value(), StandardCharsets.UTF_8);
          if (json.contains("\"kind\":\"tft\"")) {
            // the issue time from the JSON: the record timestamp is the wall clock (since the sink
            // stopped stamping records with event time), which placed every forecast outside the
            // waves and timed none
            arrivals.add(new long[] {issuedAt(json), now});
          }
        }
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private void awaitAccepted(JobClient job, long events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, Object> acc = job.getAccumulators().get(10, TimeUnit.SECONDS);
      if (acc.get(HostForecaster.ACCEPTED) instanceof Long n && n >= events) {
        Thread.sleep(3_000); // let the last warm-up steps close
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the job did not accept the warm-up history in 10 minutes");
  }

  /**
   * The served model outside the stream, in this JVM: {@code TftModel.predict} on one batch of
   * {@code batchSize} windows again and again on one thread for about {@code seconds}, after two
   * warm-up calls; forecasts per second. The stream's share of the model's throughput is the
   * stream's TFT forecasts per second of model time over this figure (the same model, the same
   * batch size, the same sitting).
   */
  public double modelAlone(int batchSize, double seconds) {
    TftModel m = ModelDataSerializer.deserialize(envelope()).toModel();
    Random random = new Random(7);
    List<TftWindow> batch = new ArrayList<>();
    for (int i = 0; i < batchSize; i++) {
      batch.add(window(random, i));
    }
    m.predict(batch);
    m.predict(batch);
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    do {
      m.predict(batch);
      n += batchSize;
    } while (System.nanoTime() < end);
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    System.out.printf(
        "model alone, batch %4d: %,d forecasts in %.1f s: %,.0f forecasts/s (TftModel.predict, one"
            + " thread)%n",
        batchSize, n, (System.nanoTime() - t0) / 1e9, rate);
    return rate;
  }

  private TftWindow window(Random random, int i) {
    double[][] observed = new double[model.encoderLength()][model.observedReals()];
    for (double[] row : observed) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian();
      }
    }
    double[][] known = new double[model.totalLength()][model.knownReals()];
    for (int t = 0; t < known.length; t++) {
      for (int j = 0; j < known[t].length; j++) {
        known[t][j] = Math.sin(t * 0.1 + j);
      }
    }
    String[] categoricals = new String[model.staticCategoricals()];
    Arrays.fill(categoricals, "host-" + i);
    return new TftWindow(observed, known, categoricals, new double[model.staticReals()]);
  }

  byte[] envelope() {
    TftModel m = TftModel.create(model, FeatureScaler.identity(model));
    return ModelDataSerializer.serialize(
        ModelData.of(
            m,
            1,
            1,
            ModelData.NONE,
            ModelData.NONE,
            Instant.now().toEpochMilli(),
            Map.of(ModelFit.STEP_MILLIS_FIGURE, (double) BenchWorkload.STEP_MILLIS),
            Map.of()));
  }

  Settings settings(int batchSize) {
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, "sb-metrics")
        .with(Options.TOPIC_FORECASTS, "sb-forecasts")
        .with(Options.TOPIC_DLQ, "sb-dlq")
        .with(Options.TOPIC_MODELS, "sb-models")
        .with(Options.GROUP_ID, "sb")
        .with(Options.HORIZON, model.horizon())
        .with(Options.COVARIATES, covariates)
        .with(Options.SERVING_BATCH_SIZE, batchSize);
  }

  private StreamExecutionEnvironment environment(Path state) {
    return LocalFlink.forBenchmark(state, Duration.ofSeconds(5), parallelism);
  }

  private static void createTopics(String bootstrap) {
    Topics.createAll(bootstrap, Topics.Names.prefixed("sb"));
  }

  /** Covariate metric names {@code m1..mN} beside the target cpu. */
  private static List<String> covariates(int n) {
    return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "m" + i).toList();
  }

  /** The model's description, for the report. */
  public String model() {
    return "TftConfig.pfParity(), as in ./tft bench model: " + model;
  }
}
