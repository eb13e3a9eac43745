package org.tftflink.model.tft.eval;

import java.nio.file.Path;
import java.time.Duration;
import org.tftflink.model.tft.TftConfig;

/**
 * Long evaluation runs (not unit tests): {@code ett <csv> <budgetSeconds> [maxEpochs [lr]]} or
 * {@code half <csv> <budgetSeconds> [maxEpochs [lr]]}; run with OMP_NUM_THREADS=1.
 */
public final class EvaluationRuns {
  private EvaluationRuns() {}

  public static void main(String[] args) {
    Path csv = Path.of(args[1]);
    Duration budget = Duration.ofSeconds(Long.parseLong(args[2]));
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    double lr = args.length > 4 ? Double.parseDouble(args[4]) : 1e-3;
    EvaluationReport report;
    if (args[0].equals("ett")) {
      // ETT has no missing values: indicators would be constant inputs that only cost time
      TftConfig config = TftConfig.reference().toBuilder().missingIndicators(false).maxEpochs(epochs).learningRate(lr).build();
      report = EttEvaluation.run(csv, config, budget, System.out::println);
    } else {
      TftConfig config = TftConfig.reference().toBuilder().observedReals(1).missingIndicators(false)
          .maxEpochs(epochs).learningRate(lr).build();
      report = HalfSplitEvaluation.run(csv, config, 288, budget, System.out::println);
    }
    System.out.println(report.summary());
  }
}
