package org.tftflink.operators.online;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.config.OnlineConfig;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelDataSerializer;
import org.tftflink.model.tft.eval.SeriesWindows;
import org.tftflink.operators.forecast.ForecasterHarness;

/**
 * The online trainer in Flink's keyed two-input harness, with the inference tests' tiny TFT as its
 * first model, synthetic matured samples of a daily-free sawtooth series, and a training executor
 * that the test steps by hand (to hold an update in flight across a checkpoint).
 */
final class TrainerHarness {

  static final long STEP = ForecasterHarness.STEP;
  static final int ENCODER = ForecasterHarness.ENCODER;
  static final int HORIZON = ForecasterHarness.HORIZON;

  /** Updates handed to the held executor, run when the test says so. */
  static final ConcurrentLinkedQueue<Runnable> HELD = new ConcurrentLinkedQueue<>();

  private TrainerHarness() {}

  /** Small, quick updates: every 10 event-time minutes once 8 samples are new, no shadow. */
  static Map<String, String> quick() {
    Map<String, String> o = new HashMap<>();
    o.put("update_frequency_minutes", "10");
    o.put("min_samples_for_update", "8");
    o.put("holdout_share", "0.25");
    o.put("holdout_block_minutes", "5");
    o.put("shadow_minutes", "0");
    o.put("online_learning_rate", "0.01");
    o.put("online_epochs", "3");
    o.put("online_batch_size", "8");
    o.put("drift_detection_enabled", "false");
    o.put("distillation_weight", "0.0");
    o.put("validation_threshold", "0.0");
    o.put("enable_rollback", "false");
    return o;
  }

  static OnlineConfig config(Map<String, String> overrides) {
    return OnlineConfig.load(null, null, overrides);
  }

  static byte[] initialEnvelope() {
    return ForecasterHarness.envelope(1, 1);
  }

  static OnlineTrainer trainer(Map<String, String> overrides, boolean sync, boolean held) {
    TrainerConfig c = TrainerConfig.of(config(overrides), sync, initialEnvelope());
    return held ? new OnlineTrainer(c, name -> new HeldExecutor()) : new OnlineTrainer(c);
  }

  static KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, String, byte[]> harness(
      OnlineTrainer trainer, String backend, int maxParallelism, int parallelism, int subtask)
      throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            trainer,
            TrainerShards.samples(1),
            TrainerShards.commands(),
            Types.INT,
            maxParallelism,
            parallelism,
            subtask);
    h.setStateBackend(backend(backend));
    withMailbox(h, trainer);
    return h;
  }

  /**
   * What the runtime does when it creates the operator (StreamOperatorFactoryUtil) but the harness,
   * handed an operator instance, does not: give it a mailbox executor, here on the harness's
   * mailbox.
   */
  static void withMailbox(
      KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h, OnlineTrainer trainer) {
    trainer.setMailboxExecutor(
        new MailboxExecutorImpl(h.getTaskMailbox(), 0, StreamTaskActionExecutor.IMMEDIATE));
  }

  static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  /** The value of the series at step {@code t}: a sawtooth of period 6 around 20. */
  static double value(long t, double offset) {
    return 20 + offset + 2 * (t % 6);
  }

  /** The sample whose forecast was issued after step {@code t} (origin (t+1)*STEP). */
  static MaturedSample sample(String host, long t, double offset) {
    double[][] observed = new double[ENCODER][1];
    for (int i = 0; i < ENCODER; i++) {
      observed[i][0] = value(t - ENCODER + 1 + i, offset);
    }
    long[] times = new long[ENCODER + HORIZON];
    for (int i = 0; i < times.length; i++) {
      times[i] = (t - ENCODER + 1 + i) * STEP;
    }
    double[] actual = new double[HORIZON];
    double[][] served = new double[HORIZON][3];
    for (int h = 0; h < HORIZON; h++) {
      actual[h] = value(t + 1 + h, offset);
      double last = observed[ENCODER - 1][0];
      served[h] = new double[] {last - 3, last, last + 3};
    }
    TftWindow w =
        new TftWindow(observed, SeriesWindows.calendar(times), new String[] {host}, new double[0]);
    return new MaturedSample(host, (t + 1) * STEP, new TrainingSample(w, actual), served, 1);
  }

  /** A poisoned sample: a flat window followed by an absurd jump (a broken exporter, say). */
  static MaturedSample poisoned(String host, long t) {
    MaturedSample clean = sample(host, t, 0);
    TftWindow w = clean.sample().window();
    double[][] flat = new double[ENCODER][1];
    for (double[] row : flat) {
      row[0] = 20;
    }
    double[] absurd = new double[HORIZON];
    java.util.Arrays.fill(absurd, 1e5);
    return new MaturedSample(
        host,
        clean.originMs(),
        new TrainingSample(
            new TftWindow(flat, w.known(), w.staticCategoricals(), w.staticReals()), absurd),
        clean.served(),
        1);
  }

  /** Feeds the samples of steps [from, to) of hosts a and b; record time = the horizon's end. */
  static void feed(
      KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, String, byte[]> h,
      long from,
      long to,
      double offset)
      throws Exception {
    for (long t = from; t < to; t++) {
      for (String host : List.of("a", "b")) {
        h.processElement1(new StreamRecord<>(sample(host, t, offset), (t + 1 + HORIZON) * STEP));
      }
    }
  }

  /** Runs what the mailbox holds (a finished update's outcome). */
  static int runMails(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
    int n = 0;
    for (Optional<Mail> m = h.getTaskMailbox().tryTake(0);
        m.isPresent();
        m = h.getTaskMailbox().tryTake(0)) {
      m.get().run();
      n++;
    }
    return n;
  }

  /** Runs the held updates on this thread (they post their outcome to the mailbox). */
  static int runHeld() {
    int n = 0;
    for (Runnable r = HELD.poll(); r != null; r = HELD.poll()) {
      r.run();
      n++;
    }
    return n;
  }

  static List<ModelData> versions(
      KeyedTwoInputStreamOperatorTestHarness<Integer, MaturedSample, String, byte[]> h) {
    List<ModelData> out = new ArrayList<>();
    for (byte[] b : h.extractOutputValues()) {
      out.add(ModelDataSerializer.deserialize(b));
    }
    return out;
  }

  static List<String> events(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
    var q = h.getSideOutput(OnlineTrainer.EVENTS);
    return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
  }

  static long count(List<String> events, String type) {
    return events.stream().filter(e -> e.contains("\"type\":\"" + type + "\"")).count();
  }

  /** An executor that only queues its tasks in {@link #HELD}. */
  static final class HeldExecutor extends AbstractExecutorService {
    private boolean shutdown;

    @Override
    public void execute(Runnable command) {
      HELD.add(command);
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
