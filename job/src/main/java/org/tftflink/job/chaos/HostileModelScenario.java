package org.tftflink.job.chaos;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.envelope.ModelSignature;
import org.tftflink.operators.serving.ServingMetrics;

/**
 * Hostile model messages, with {@code serving.require_signature=true}: after a signed TFT is
 * served, truncated, bit-flipped, oversized, wrong-format, misfit, unsigned and wrongly signed
 * messages each claim a newer version; every one is rejected and counted by each inference subtask
 * ({@code rejectedModelMessages}), the served version stays, and forecasts go on exactly once.
 */
public final class HostileModelScenario implements Scenario {

  private static final String FORECASTER = "Per-host step grid";
  private static final int PARALLELISM = 2;

  @Override
  public String name() {
    return "hostile-models";
  }

  @Override
  public String description() {
    return "truncated, bit-flipped, oversized, wrong-format, misfit, unsigned and wrongly signed"
        + " model messages: each rejected and counted, the served model unchanged";
  }

  @Override
  public String parameters(Profile profile) {
    return profile == Profile.SHORT
        ? "7 hostile messages, 4 hosts x 60 steps"
        : "7 hostile kinds x 5 rounds, 40 hosts x 200 steps";
  }

  @Override
  public Verdict run(ChaosContext ctx, Profile profile) throws Exception {
    int rounds = profile == Profile.SHORT ? 1 : 5;
    int hosts = profile == Profile.SHORT ? 4 : 40;
    int steps = profile == Profile.SHORT ? 60 : 200;
    Topics.Names names = ctx.freshTopics(name());
    String group = names.metrics() + "-job";
    Path state = ctx.stateDir(name());
    byte[] key = "chaos-signing-key-0123456789abcdef-0123".getBytes(StandardCharsets.UTF_8);
    byte[] otherKey = "another-key-of-an-attacker-0123456789-xyz".getBytes(StandardCharsets.UTF_8);
    Path keyFile = Files.write(state.resolve("signing.key"), key);
    Settings settings =
        ChaosJob.settings(names, group)
            .with(Options.SERVING_REQUIRE_SIGNATURE, true)
            .with(Options.SERVING_SIGNING_KEY_FILE, keyFile.toString());
    int minHistory = settings.get(Options.MIN_HISTORY);
    Verdict v = new Verdict(name());
    ChaosEvents valid = new ChaosEvents(minHistory);
    ModelData served = ModelDataSerializer.deserialize(ChaosJob.bundledModel());
    Map<String, Integer> kinds = new HashMap<>();
    try (ChaosCluster flink = new ChaosCluster(state, Duration.ofSeconds(1), 3);
        ChaosProducer out = new ChaosProducer(ctx.bootstrap(), names.metrics())) {
      flink.submit(ChaosJob.create(settings, ctx.bootstrap()), PARALLELISM, name());
      flink.awaitRunning(Duration.ofSeconds(60));
      OperatorMetrics metrics = new OperatorMetrics(flink.restAddress(), flink.jobId().toString());
      publishRaw(
          ctx.bootstrap(), names.models(), ModelSignature.sign(ChaosJob.bundledModel(), key));
      awaitAccepted(flink, PARALLELISM);
      ctx.log(name(), "signed TFT version " + served.modelVersion() + " served");
      for (int r = 0; r < rounds; r++) {
        for (var e : HostileModels.of(served, key, otherKey).entrySet()) {
          publishRaw(ctx.bootstrap(), names.models(), e.getValue());
          kinds.merge(e.getKey(), 1, Integer::sum);
        }
      }
      int hostile = kinds.values().stream().mapToInt(Integer::intValue).sum();
      for (int s = 0; s < steps; s++) {
        for (int h = 0; h < hosts; h++) {
          String host = "model-web-" + h;
          out.send(h % 4, host, ChaosEvents.event(host, s, ChaosEvents.cpu(host, s)));
        }
      }
      for (int h = 0; h < hosts; h++) {
        valid.expectContiguous("model-web-" + h, steps);
      }
      out.flush();
      ChaosJob.awaitConsumed(ctx.bootstrap(), names.metrics(), group, Duration.ofMinutes(3));
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      double rejected = 0;
      while (System.nanoTime() < deadline && rejected < hostile * PARALLELISM) {
        rejected = metrics.total(FORECASTER, ".rejectedModelMessages");
        Thread.sleep(500);
      }
      double versions = metrics.total(FORECASTER, ".modelVersion");
      Map<String, Object> acc = flink.drainAndStop(Duration.ofMinutes(2));
      v.figure("hostile messages", kinds).figure("hosts", hosts).figure("steps", steps);
      v.figure("rejected (all subtasks)", Math.round(rejected));
      v.figure("served version", served.modelVersion());
      v.figure("tft forecasts", acc.get(ServingMetrics.TFT_FORECASTS));
      v.figure("restarts", flink.restarts());
      v.expectEqual("rejected model messages", (long) hostile * PARALLELISM, Math.round(rejected));
      v.expectEqual(
          "served version summed over subtasks",
          served.modelVersion() * PARALLELISM,
          Math.round(versions));
      v.expectEqual("restarts", 0, flink.restarts());
      v.check(
          acc.get(ServingMetrics.TFT_FORECASTS) instanceof Long n && n > 0,
          "no TFT forecasts: the served model was lost");
    }
    Reconciliation.forecasts(ctx.bootstrap(), names.forecasts(), valid.expected())
        .into(v, "forecasts");
    return v;
  }

  private static void awaitAccepted(ChaosCluster flink, int subtasks) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Long n = flink.accumulators().get(ServingMetrics.MODELS_ACCEPTED);
      if (n != null && n >= subtasks) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the signed model was not accepted within 60 s");
  }

  /** Publishes {@code bytes} as they are (ModelPublisher refuses what is not intact). */
  private static void publishRaw(String bootstrap, String topic, byte[] bytes) throws Exception {
    Map<String, Object> p = new HashMap<>(Topics.modelProducerSettings());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, bytes)).get(60, TimeUnit.SECONDS);
    }
  }
}
