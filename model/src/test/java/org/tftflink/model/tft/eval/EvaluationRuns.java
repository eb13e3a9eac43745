package org.tftflink.model.tft.eval;

import java.nio.file.Path;
import java.time.Duration;
import org.tftflink.model.tft.TftConfig;

/**
 * Long evaluation runs (not unit tests), run with OMP_NUM_THREADS=1: {@code ett|half <csv>
 * <budgetSeconds> [maxEpochs [lr [batch [plateauDecay [targetScaleInputs [seed]]]]]]}, or {@code
 * nab <budgetSecondsPerSeries> <csv>...}. The optional arguments apply to ett runs; half runs take
 * maxEpochs and lr.
 */
public final class EvaluationRuns {
  private EvaluationRuns() {}

  public static void main(String[] args) {
    if (args[0].equals("nab")) {
      nab(args);
      return;
    }
    Path csv = Path.of(args[1]);
    Duration budget = Duration.ofSeconds(Long.parseLong(args[2]));
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    double lr = args.length > 4 ? Double.parseDouble(args[4]) : 1e-3;
    int batch = args.length > 5 ? Integer.parseInt(args[5]) : TftConfig.reference().batchSize();
    double decay = args.length > 6 ? Double.parseDouble(args[6]) : 1.0;
    boolean scales = args.length <= 7 || Boolean.parseBoolean(args[7]);
    long seed = args.length > 8 ? Long.parseLong(args[8]) : TftConfig.reference().seed();
    EvaluationReport report;
    if (args[0].equals("ett")) {
      // ETT has no missing values: indicators would be constant inputs that only cost time
      TftConfig config =
          TftConfig.reference().toBuilder()
              .missingIndicators(false)
              .maxEpochs(epochs)
              .learningRate(lr)
              .batchSize(batch)
              .plateauDecay(decay)
              .targetScaleInputs(scales)
              .seed(seed)
              .build();
      report = EttEvaluation.run(csv, config, budget, System.out::println);
    } else {
      TftConfig config =
          TftConfig.reference().toBuilder()
              .observedReals(1)
              .missingIndicators(false)
              .maxEpochs(epochs)
              .learningRate(lr)
              .build();
      report = HalfSplitEvaluation.run(csv, config, 288, budget, System.out::println);
    }
    System.out.println(report.summary());
  }

  /**
   * {@code nab <budgetSecondsPerSeries> <csv>...}: half split per series, then P50 q-risk averages.
   */
  private static void nab(String[] args) {
    Duration budget = Duration.ofSeconds(Long.parseLong(args[1]));
    TftConfig config =
        TftConfig.reference().toBuilder()
            .observedReals(1)
            .missingIndicators(false)
            .maxEpochs(10)
            .learningRate(3e-3)
            .build();
    java.util.Map<String, double[]> sums = new java.util.LinkedHashMap<>();
    int n = 0;
    for (int i = 2; i < args.length; i++) {
      EvaluationReport r =
          HalfSplitEvaluation.run(Path.of(args[i]), config, 288, budget, System.out::println);
      System.out.println(r.summary());
      r.methods()
          .forEach(
              (k, v) -> {
                double[] acc = sums.computeIfAbsent(k, x -> new double[2]);
                acc[0] += v.qRisk50();
                acc[1] += v.qRisk90();
              });
      n++;
    }
    final int count = n;
    sums.forEach(
        (k, v) ->
            System.out.printf(
                java.util.Locale.ROOT,
                "mean over %d series: %-16s P50 q-risk %.4f  P90 q-risk %.4f%n",
                count,
                k,
                v[0] / count,
                v[1] / count));
  }
}
