package org.tftflink.model.tft.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.tftflink.model.tft.TestWindows;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.data.EncodedBatch;
import org.tftflink.model.tft.data.FeatureScaler;
import org.tftflink.model.tft.graph.NativeMemoryGc;
import org.tftflink.model.tft.graph.TftGraph;
import org.tftflink.model.tft.train.TftTrainer;

/**
 * Throughput of the TFT (hidden 32, 4 heads, encoder 168, horizon 24, 7 observed, 2 known): forward
 * calls per second at batch 1/64/256/1024 (samples/s = calls/s × batch) and training steps per
 * second at batch 128 (samples/s = steps/s × 128). Forward includes encoding the windows, as the
 * operator will pay it. The configuration is {@link TftConfig#pfParity()} by default, the inputs of
 * PyTorch Forecasting's benchmark and the model of {@code ./tft bench serving}; {@code -p
 * config=reference} runs {@link TftConfig#reference()} (missing indicators: 17 encoder variables).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// the fork runs as the CLI does (Cli.main, the tft launcher): javacpp's allocations capped, no cap
// on the physical bytes (a resident-size read at every allocation, 3.5% of a training step's JFR
// samples), NativeMemoryGc started (see the states' setups) and System.gc() concurrent
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx2g",
      "-XX:+ExplicitGCInvokesConcurrent",
      "-Dorg.bytedeco.javacpp.maxbytes=3G"
    })
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class TftBenchmark {

  static TftConfig config(String name) {
    return switch (name) {
      case "pf" -> TftConfig.pfParity();
      case "reference" -> TftConfig.reference();
      default ->
          throw new IllegalArgumentException(
              "unknown config '" + name + "': use pf (TftConfig.pfParity) or reference");
    };
  }

  /** A model and a prepared batch of windows. */
  @State(Scope.Benchmark)
  public static class Forward {
    @Param({"1", "64", "256", "1024"})
    public int batch;

    @Param({"pf"})
    public String config;

    TftModel model;
    List<TftWindow> windows;

    @Setup(Level.Trial)
    public void setUp() {
      NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
      TftConfig c = config(config);
      windows = TestWindows.windows(c, batch, 1);
      model = TftModel.create(c, FeatureScaler.fit(c, windows));
    }
  }

  /** A trainer and a batch of 128 samples. */
  @State(Scope.Benchmark)
  public static class Train {
    TftTrainer trainer;
    List<TrainingSample> samples;

    @Param({"pf"})
    public String config;

    @Setup(Level.Trial)
    public void setUp() {
      NativeMemoryGc.start(NativeMemoryGc.DEFAULT_STEP_BYTES);
      TftConfig c = config(config);
      List<TftWindow> w = TestWindows.windows(c, 128, 2);
      List<double[]> f = TestWindows.futures(c, 128, 3);
      samples =
          java.util.stream.IntStream.range(0, 128)
              .mapToObj(i -> new TrainingSample(w.get(i), f.get(i)))
              .toList();
      trainer = new TftTrainer(TftModel.create(c, FeatureScaler.fit(c, w)));
    }
  }

  @Benchmark
  public Map<String, INDArray> forward(Forward s) {
    EncodedBatch b = s.model.encoder().encode(s.windows);
    return s.model.output(b, TftGraph.PREDICTION, TftGraph.ATTENTION, TftGraph.ENCODER_WEIGHTS);
  }

  @Benchmark
  @Warmup(iterations = 1, time = 20)
  @Measurement(iterations = 2, time = 20)
  public double trainStep128(Train s) {
    return s.trainer.step(s.samples);
  }

  public static void main(String[] args) throws RunnerException {
    TftConfig c = TftConfig.pfParity();
    TftModel m = TftModel.create(c, FeatureScaler.identity(c));
    System.out.printf(
        "pf-parity config: %d parameters, ~%.1f MFLOP forward per sample (matmuls)%n",
        m.parameterCount(), FlopEstimate.forwardPerSample(c) / 1e6);
    new Runner(
            new OptionsBuilder()
                .include(TftBenchmark.class.getSimpleName())
                .param("batch", args.length > 0 ? args : new String[] {"1", "64", "256", "1024"})
                .build())
        .run();
  }
}
